package fn

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// FieldError is one problem of a CocoConfig, at a field path such as
// spec.shims[1].snapshotter.
type FieldError struct {
	Path    string
	Value   any
	Message string

	// Warning marks a problem that does not stop generation.
	Warning bool
}

// Error renders the problem as "path: message".
func (e FieldError) Error() string { return e.Path + ": " + e.Message }

// problems collects FieldErrors in the order they are found.
type problems []FieldError

func (p *problems) add(path string, value any, format string, args ...any) {
	*p = append(*p, FieldError{Path: path, Value: value, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) warn(path string, value any, format string, args ...any) {
	*p = append(*p, FieldError{Path: path, Value: value, Message: fmt.Sprintf(format, args...),
		Warning: true})
}

// fatal tells whether any problem is an error rather than a warning.
func (p problems) fatal() bool {
	for _, e := range p {
		if !e.Warning {
			return true
		}
	}

	return false
}

// decodeStrict decodes a CocoConfig from its generic form. Every field that
// does not exist, and every value of the wrong type, is reported with its
// path; those values are then left out, so that the rest still decodes and the
// caller can report the problems of the other fields too. The CocoConfig is
// nil only when the object is not a mapping at all.
func decodeStrict(m map[string]any) (*CocoConfig, problems) {
	var errs problems
	checkStruct(m, reflect.TypeFor[CocoConfig](), "", &errs)

	var cfg CocoConfig
	if err := assign(reflect.ValueOf(&cfg).Elem(), m); err != nil {
		errs.add("", nil, "decode: %v", err)
		return nil, errs
	}

	return &cfg, errs
}

var jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()

// checkValue reports where v, a value decoded from YAML, does not fit type t,
// and tells whether it fits. Within mappings, what does not fit is removed; a
// list with an element that does not fit does not fit as a whole.
func checkValue(v any, t reflect.Type, path string, errs *problems) bool {
	if v == nil {
		return true
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) {
		return true
	}

	switch t.Kind() {
	case reflect.Struct:
		return checkStruct(v, t, path, errs)
	case reflect.Map:
		return checkMap(v, t, path, errs)
	case reflect.Slice:
		return checkSlice(v, t, path, errs)
	default:
		return checkScalar(v, t, path, errs)
	}
}

func checkStruct(v any, t reflect.Type, path string, errs *problems) bool {
	m, ok := v.(map[string]any)
	if !ok {
		errs.add(path, v, "got %s, want a mapping of fields", describe(v))
		return false
	}

	fields := jsonFieldsByName(t)
	for _, key := range sortedKeys(m) {
		f, known := fields[key]
		if !known {
			errs.add(join(path, key), nil, "unknown field %q%s; allowed fields: %s",
				key, suggest(key, fields), strings.Join(sortedKeys(fields), ", "))
			delete(m, key)
			continue
		}
		if !checkValue(m[key], f.Type, join(path, key), errs) {
			delete(m, key)
		}
	}

	return true
}

func checkMap(v any, t reflect.Type, path string, errs *problems) bool {
	m, ok := v.(map[string]any)
	if !ok {
		errs.add(path, v, "got %s, want a mapping", describe(v))
		return false
	}

	for _, key := range sortedKeys(m) {
		if !checkValue(m[key], t.Elem(), join(path, key), errs) {
			delete(m, key)
		}
	}

	return true
}

func checkSlice(v any, t reflect.Type, path string, errs *problems) bool {
	s, ok := v.([]any)
	if !ok {
		errs.add(path, v, "got %s, want a list", describe(v))
		return false
	}

	fits := true
	for i, elem := range s {
		fits = checkValue(elem, t.Elem(), fmt.Sprintf("%s[%d]", path, i), errs) && fits
	}

	return fits
}

func checkScalar(v any, t reflect.Type, path string, errs *problems) bool {
	var ok bool
	switch t.Kind() {
	case reflect.String:
		_, ok = v.(string)
	case reflect.Bool:
		_, ok = v.(bool)
	case reflect.Int, reflect.Int32, reflect.Int64:
		_, ok = v.(int)
	default:
		ok = true
	}

	if !ok {
		errs.add(path, v, "got %s, want %s", describe(v), kindName(t.Kind()))
	}

	return ok
}

// jsonFieldsByName maps the JSON names of t's fields to the fields, with
// their index paths through embedded structs.
func jsonFieldsByName(t reflect.Type) map[string]reflect.StructField {
	fields := make(map[string]reflect.StructField, t.NumField())
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-" || !f.IsExported():
		case f.Anonymous && name == "":
			for k, inner := range jsonFieldsByName(f.Type) {
				inner.Index = append([]int{i}, inner.Index...)
				fields[k] = inner
			}
		case name == "":
			fields[f.Name] = f
		default:
			fields[name] = f
		}
	}

	return fields
}

// assign stores v, a value decoded from YAML that checkValue found to fit,
// in dst. It does what encoding/json would, without preparing a decoder for
// every type the CocoConfig reaches, which takes a fair part of a short run;
// types with their own UnmarshalJSON still go through encoding/json.
func assign(dst reflect.Value, v any) error {
	if v == nil {
		return nil
	}
	if dst.Kind() != reflect.Pointer && dst.Addr().Type().Implements(jsonUnmarshaler) {
		raw, err := json.Marshal(v)
		if err != nil {
			return err
		}
		return json.Unmarshal(raw, dst.Addr().Interface())
	}

	switch dst.Kind() {
	case reflect.Pointer:
		dst.Set(reflect.New(dst.Type().Elem()))
		return assign(dst.Elem(), v)
	case reflect.Struct:
		return assignStruct(dst, v.(map[string]any))
	case reflect.Map:
		return assignMap(dst, v.(map[string]any))
	case reflect.Slice:
		return assignSlice(dst, v.([]any))
	case reflect.String:
		dst.SetString(v.(string))
	case reflect.Bool:
		dst.SetBool(v.(bool))
	case reflect.Int, reflect.Int32, reflect.Int64:
		dst.SetInt(int64(v.(int)))
	default:
		return fmt.Errorf("cannot decode into %s", dst.Type())
	}

	return nil
}

func assignStruct(dst reflect.Value, m map[string]any) error {
	fields := jsonFieldsByName(dst.Type())
	for key, v := range m {
		if err := assign(dst.FieldByIndex(fields[key].Index), v); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
	}

	return nil
}

func assignMap(dst reflect.Value, m map[string]any) error {
	dst.Set(reflect.MakeMapWithSize(dst.Type(), len(m)))
	for key, v := range m {
		elem := reflect.New(dst.Type().Elem()).Elem()
		if err := assign(elem, v); err != nil {
			return fmt.Errorf("%s: %w", key, err)
		}
		dst.SetMapIndex(reflect.ValueOf(key).Convert(dst.Type().Key()), elem)
	}

	return nil
}

func assignSlice(dst reflect.Value, s []any) error {
	dst.Set(reflect.MakeSlice(dst.Type(), len(s), len(s)))
	for i, v := range s {
		if err := assign(dst.Index(i), v); err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
	}

	return nil
}

func describe(v any) string {
	switch v := v.(type) {
	case string:
		return fmt.Sprintf("string %q", v)
	case bool:
		return fmt.Sprintf("boolean %v", v)
	case int, float64:
		return fmt.Sprintf("number %v", v)
	case []any:
		return "a list"
	case map[string]any:
		return "a mapping"
	default:
		return fmt.Sprintf("%T", v)
	}
}

func kindName(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "a string (quote numbers and booleans)"
	case reflect.Bool:
		return "a boolean (true or false)"
	default:
		return "an integer"
	}
}

// plainKey is a mapping key that can stand in a field path as it is.
var plainKey = newLazyRegexp(`^[A-Za-z0-9_-]+$`)

// join appends a mapping key to a field path; other keys, such as label names
// with dots and slashes, are quoted in brackets.
func join(path, key string) string {
	if !plainKey.MatchString(key) {
		return fmt.Sprintf("%s[%q]", path, key)
	}
	if path == "" {
		return key
	}

	return path + "." + key
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// suggest returns `, did you mean "x"?` for the closest allowed name, if close.
func suggest[V any](key string, allowed map[string]V) string {
	best, bestDist := "", 3
	for _, name := range sortedKeys(allowed) {
		if d := distance(strings.ToLower(key), strings.ToLower(name)); d < bestDist {
			best, bestDist = name, d
		}
	}
	if best == "" {
		return ""
	}

	return fmt.Sprintf(" (did you mean %q?)", best)
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}

	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}

	return prev[len(b)]
}
