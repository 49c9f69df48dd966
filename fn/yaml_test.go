package fn

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/yaml"
)

// quoteCases are strings a YAML reader could take for something else, and
// strings it cannot, with how coco-fn writes them.
var quoteCases = map[string]string{
	"a version is not a number":           "3.22.0",
	"an integer is quoted":                `"1"`,
	"a float is quoted":                   `"1.0"`,
	"an exponent is quoted":               `"1e3"`,
	"hex, octal and binary are quoted":    `"0x1F"`,
	"a YAML 1.1 octal is quoted":          `"017"`,
	"digits with underscores are quoted":  `"1_000"`,
	"a special float is quoted":           `"-.Inf"`,
	"a date is quoted":                    `"2001-12-14"`,
	"a base-60 number is quoted":          `"1:20"`,
	"a YAML 1.1 boolean is quoted":        `"No"`,
	"a tilde is quoted":                   `"~"`,
	"the empty string is quoted":          `""`,
	"a lone dash is quoted":               `"-"`,
	"a flag stays plain":                  "-c",
	"colon space is quoted":               `"a: b"`,
	"space hash is quoted":                `"a #b"`,
	"a URL stays plain":                   "http://proxy.example:3128",
	"a shim list stays plain":             "qemu-coco-dev qemu-snp",
	"non-ASCII is quoted and escaped":     `"h\u00e9llo"`,
	"DEL is escaped":                      `"\u007f"`,
	"a newline is escaped":                `"x\ny"`,
	"an indicator first is quoted":        `"@x"`,
	"an image with a digest stays plain":  "q.io/k@sha256:00",
	"a quantity stays plain":              "250m",
	"leading and trailing spaces quoted":  `" x "`,
	"quotes are escaped":                  `"'q\"\\"`,
	"HTML characters are written as-is":   `"<a&b> x"`,
	"a comma list stays plain":            "10.0.0.0/8,.svc",
	"a TOML-breaking character is quoted": `"a\\b"`,
}

func TestWriteString(t *testing.T) {
	for name, want := range quoteCases {
		t.Run(name, func(t *testing.T) {
			var s string
			if want[0] == '"' {
				require.NoError(t, json.Unmarshal([]byte(want), &s))
			} else {
				s = want
			}

			var b bytes.Buffer
			writeString(&b, s)

			assert.Equal(t, want, b.String())
			assertReadsBack(t, s, b.String())
		})
	}
}

// FuzzWriteString checks that every string reads back as itself, with the
// YAML 1.1 reader of sigs.k8s.io/yaml and the YAML 1.2 reader of kyaml.
func FuzzWriteString(f *testing.F) {
	for _, want := range quoteCases {
		f.Add(want)
	}
	f.Add("0b101")
	f.Add("000000:")
	f.Add("0_")
	f.Add("\x7f")
	f.Add("+1")
	f.Add("Infinity")

	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			t.Skip("YAML input, and so every value coco-fn writes, is UTF-8")
		}

		var b bytes.Buffer
		writeString(&b, s)
		assertReadsBack(t, s, b.String())
	})
}

func assertReadsBack(t *testing.T, want, written string) {
	t.Helper()

	var v1 map[string]any
	require.NoError(t, yaml.Unmarshal([]byte("v: "+written+"\n"), &v1), written)
	assert.Equal(t, want, v1["v"], "YAML 1.1 reads %s", written)

	node, err := kyaml.Parse("v: " + written + "\n")
	require.NoError(t, err, written)
	got, err := node.Pipe(kyaml.Lookup("v"))
	require.NoError(t, err)
	assert.Equal(t, want, got.YNode().Value, "YAML 1.2 reads %s", written)
	assert.Equal(t, "!!str", got.YNode().ShortTag(), "YAML 1.2 reads %s as a string", written)
}

// TestWriteValueRoundTrips writes a nested document and reads it back.
func TestWriteValueRoundTrips(t *testing.T) {
	doc := map[string]any{
		"a": map[string]any{"b": []any{"x", map[string]any{"c": "1", "d": json.Number("2")}}},
		"e": []any{[]any{"f", "g"}, []any{}, map[string]any{}},
		"h": map[string]any{},
		"i": true,
	}

	var b bytes.Buffer
	writeMapping(&b, doc, 0, false)

	var back map[string]any
	require.NoError(t, yaml.Unmarshal(b.Bytes(), &back), b.String())

	want := map[string]any{
		"a": map[string]any{"b": []any{"x", map[string]any{"c": "1", "d": float64(2)}}},
		"e": []any{[]any{"f", "g"}, []any{}, map[string]any{}},
		"h": map[string]any{},
		"i": true,
	}
	assert.Equal(t, want, back, b.String())
}
