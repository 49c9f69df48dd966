package fn

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The generated objects are written by this small YAML writer rather than by
// a general YAML encoder, which costs milliseconds per object: coco-fn runs on
// every render of every cluster. It writes the JSON data model only (mappings
// with sorted keys, lists, strings, json.Number, booleans) in block style,
// and quotes every string that YAML could read as anything but that string.

// sink is where the writer writes: a bytes.Buffer or a bufio.Writer.
type sink interface {
	io.Writer
	io.ByteWriter
	io.StringWriter
	WriteRune(r rune) (int, error)
}

// writeValue writes v as the value of a mapping key written at keyIndent:
// a scalar on the key's line, a mapping below it indented by two more
// spaces, and a list below it with its dashes under the key, as kubectl and
// kustomize write lists.
func writeValue(b sink, v any, keyIndent int) {
	switch v := v.(type) {
	case map[string]any:
		if len(v) == 0 {
			b.WriteString(" {}\n")
			return
		}
		b.WriteByte('\n')
		writeMapping(b, v, keyIndent+2, false)
	case []any:
		if len(v) == 0 {
			b.WriteString(" []\n")
			return
		}
		b.WriteByte('\n')
		writeSequence(b, v, keyIndent)
	default:
		b.WriteByte(' ')
		writeScalar(b, v)
		b.WriteByte('\n')
	}
}

// writeMapping writes the keys of m in sorted order at indent; with inline,
// the first key goes where the caller left off, after a list's dash.
func writeMapping(b sink, m map[string]any, indent int, inline bool) {
	pad := strings.Repeat(" ", indent)
	for i, key := range sortedKeys(m) {
		if i > 0 || !inline {
			b.WriteString(pad)
		}
		writeScalar(b, key)
		b.WriteByte(':')
		writeValue(b, m[key], indent)
	}
}

// writeSequence writes the items of s with their dashes at indent. A
// mapping item starts on its dash's line; anything else is written as the
// value of a key at indent+2 would be.
func writeSequence(b sink, s []any, indent int) {
	pad := strings.Repeat(" ", indent)
	for _, item := range s {
		b.WriteString(pad)
		b.WriteByte('-')
		if m, ok := item.(map[string]any); ok && len(m) > 0 {
			b.WriteByte(' ')
			writeMapping(b, m, indent+2, true)
			continue
		}
		writeValue(b, item, indent+2)
	}
}

func writeScalar(b sink, v any) {
	switch v := v.(type) {
	case string:
		writeString(b, v)
	case json.Number:
		b.WriteString(v.String())
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case nil:
		b.WriteString("null")
	default:
		writeString(b, "")
	}
}

var (
	// looksTyped matches what a YAML 1.1 or 1.2 reader could take for a
	// special float, a date, or a base-60 number; looksNumeric does the rest.
	looksTyped = regexp.MustCompile(`^[-+]?\.(inf|Inf|INF|nan|NaN|NAN)$|` +
		`^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}|^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$`)

	// typedWords are the words YAML readers take for booleans and null.
	typedWords = []string{"y", "yes", "n", "no", "true", "false", "on", "off", "null", "~"}
)

// writeString writes s plain when no YAML reader could read it as anything
// else, and double-quoted otherwise.
func writeString(b sink, s string) {
	if isPlain(s) {
		b.WriteString(s)
		return
	}

	writeQuoted(b, s)
}

// isPlain tells whether s can be written unquoted: common characters only,
// starting and ending with a letter, digit or one of _ . / -, no ": " or
// " #" inside, which would end a plain scalar, and nothing a YAML reader
// takes for a number, date, boolean or null.
func isPlain(s string) bool {
	if s == "" || s == "-" || !plainEdge(s[0], "_./-") || !plainEdge(s[len(s)-1], "_./=@+-") {
		return false
	}
	for i := range len(s) {
		if !plainEdge(s[i], " _./:,=@+-") {
			return false
		}
	}
	if strings.Contains(s, ": ") || strings.Contains(s, " #") {
		return false
	}

	switch c := s[0]; {
	case c >= '0' && c <= '9', c == '.', c == '-', c == '+':
		return !looksTyped.MatchString(s) && !looksNumeric(s)
	case len(s) <= 5:
		return !slices.Contains(typedWords, strings.ToLower(s))
	default:
		return true
	}
}

// plainEdge tells whether c is a letter, a digit or one of extra.
func plainEdge(c byte, extra string) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte(extra, c) >= 0
}

// writeQuoted writes s as a YAML double-quoted scalar in printable ASCII,
// escaping everything else.
func writeQuoted(b sink, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r >= ' ' && r <= '~':
			b.WriteRune(r)
		case r <= 0xFFFF:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			fmt.Fprintf(b, `\U%08x`, r)
		}
	}
	b.WriteByte('"')
}

// looksNumeric tells whether s reads as an integer or a float in any base
// or notation Go knows, once underscores are dropped, as the Go YAML readers
// do for YAML 1.1.
func looksNumeric(s string) bool {
	s = strings.ReplaceAll(s, "_", "")
	if _, err := strconv.ParseFloat(s, 64); err == nil || errors.Is(err, strconv.ErrRange) {
		return true
	}
	_, err := strconv.ParseInt(s, 0, 64)

	return err == nil || errors.Is(err, strconv.ErrRange)
}
