package fn

import (
	"bytes"
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/runtime"
)

// manifest is one generated object, as the generic data it is written from.
type manifest struct {
	data map[string]any
}

// toManifest turns a typed object into generic data, leaving out what a
// manifest should not carry: status, null values and empty mappings
// (creationTimestamp: null, resources: {}).
func toManifest(obj runtime.Object) (manifest, error) {
	generic, err := toGeneric(reflect.ValueOf(obj))
	if err != nil {
		return manifest{}, fmt.Errorf("encode %T: %w", obj, err)
	}

	m, ok := generic.(map[string]any)
	if !ok {
		return manifest{}, fmt.Errorf("encode %T: not an object", obj)
	}
	delete(m, "status")
	prune(m)

	return manifest{data: m}, nil
}

// setAnnotation sets one annotation of the manifest.
func (m manifest) setAnnotation(key, value string) {
	meta, _ := m.data["metadata"].(map[string]any)
	annotations, ok := meta["annotations"].(map[string]any)
	if !ok {
		annotations = map[string]any{}
		meta["annotations"] = annotations
	}
	annotations[key] = value
}

// prune removes null values and empty mappings from m, depth first.
func prune(m map[string]any) {
	for k, v := range m {
		switch v := v.(type) {
		case nil:
			delete(m, k)
		case map[string]any:
			prune(v)
			if len(v) == 0 {
				delete(m, k)
			}
		case []any:
			for _, elem := range v {
				if em, ok := elem.(map[string]any); ok {
					prune(em)
				}
			}
		}
	}
}

// toGeneric gives the generic form encoding/json would give v (mappings,
// lists, strings, json.Number, booleans), visiting only the values that are
// set. encoding/json itself prepares an encoder for every type a PodSpec can
// reach on first use, over a millisecond of a run that should take a few.
// It follows the rules the k8s.io/api types rely on: names, omitempty and
// omitzero from the json tag, inlined embedded structs, and the MarshalJSON
// and MarshalText methods of types such as resource.Quantity.
func toGeneric(v reflect.Value) (any, error) {
	if !v.IsValid() {
		return nil, nil
	}
	if m, ok := marshaler(v); ok {
		return marshalGeneric(m)
	}
	if v.Kind() != reflect.Pointer && v.Type().Implements(textMarshaler) {
		text, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		return string(text), err
	}

	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return nil, nil
		}
		return toGeneric(v.Elem())
	case reflect.Struct:
		m := map[string]any{}
		return m, structFields(v, m)
	case reflect.Map:
		return mapGeneric(v)
	case reflect.Slice, reflect.Array:
		return sliceGeneric(v)
	default:
		return scalarGeneric(v)
	}
}

var (
	jsonMarshaler = reflect.TypeFor[json.Marshaler]()
	textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()
)

func marshaler(v reflect.Value) (json.Marshaler, bool) {
	switch {
	case v.Kind() == reflect.Pointer:
		return nil, false
	case v.Type().Implements(jsonMarshaler):
		return v.Interface().(json.Marshaler), true
	case v.CanAddr() && v.Addr().Type().Implements(jsonMarshaler):
		return v.Addr().Interface().(json.Marshaler), true
	default:
		return nil, false
	}
}

func marshalGeneric(m json.Marshaler) (any, error) {
	raw, err := m.MarshalJSON()
	if err != nil {
		return nil, err
	}

	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()

	var out any
	return out, dec.Decode(&out)
}

func mapGeneric(v reflect.Value) (any, error) {
	if v.IsNil() {
		return nil, nil
	}
	if v.Type().Key().Kind() != reflect.String {
		return nil, fmt.Errorf("map key of type %s", v.Type().Key())
	}

	m := make(map[string]any, v.Len())
	for it := v.MapRange(); it.Next(); {
		e, err := toGeneric(it.Value())
		if err != nil {
			return nil, err
		}
		m[it.Key().String()] = e
	}

	return m, nil
}

func sliceGeneric(v reflect.Value) (any, error) {
	if v.Kind() == reflect.Slice && v.IsNil() {
		return nil, nil
	}
	if v.Type().Elem().Kind() == reflect.Uint8 {
		return nil, fmt.Errorf("byte slices are not supported")
	}

	l := make([]any, v.Len())
	for i := range l {
		e, err := toGeneric(v.Index(i))
		if err != nil {
			return nil, err
		}
		l[i] = e
	}

	return l, nil
}

func scalarGeneric(v reflect.Value) (any, error) {
	switch v.Kind() {
	case reflect.String:
		return v.String(), nil
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return json.Number(strconv.FormatInt(v.Int(), 10)), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return json.Number(strconv.FormatUint(v.Uint(), 10)), nil
	case reflect.Float32, reflect.Float64:
		return json.Number(strconv.FormatFloat(v.Float(), 'g', -1, 64)), nil
	default:
		return nil, fmt.Errorf("unsupported kind %s", v.Kind())
	}
}

// field is how encoding/json treats one struct field.
type field struct {
	name      string
	index     int
	omitEmpty bool
	omitZero  bool
	inline    bool
}

var fieldCache sync.Map // reflect.Type -> []field

func fieldsOf(t reflect.Type) []field {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]field)
	}

	var fields []field
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}

		name, opts, _ := strings.Cut(tag, ",")
		f := field{name: name, index: i}
		for _, o := range strings.Split(opts, ",") {
			f.omitEmpty = f.omitEmpty || o == "omitempty"
			f.omitZero = f.omitZero || o == "omitzero"
		}

		ft := sf.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		switch {
		case sf.Anonymous && name == "" && ft.Kind() == reflect.Struct:
			f.inline = true
		case !sf.IsExported():
			continue
		case name == "":
			f.name = sf.Name
		}
		fields = append(fields, f)
	}
	fieldCache.Store(t, fields)

	return fields
}

func structFields(v reflect.Value, m map[string]any) error {
	for _, f := range fieldsOf(v.Type()) {
		fv := v.Field(f.index)
		if f.inline {
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue
				}
				fv = fv.Elem()
			}
			if err := structFields(fv, m); err != nil {
				return err
			}
			continue
		}
		if f.omitEmpty && isEmpty(fv) || f.omitZero && isZero(fv) {
			continue
		}

		e, err := toGeneric(fv)
		if err != nil {
			return err
		}
		m[f.name] = e
	}

	return nil
}

// isEmpty is encoding/json's omitempty test.
func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Struct:
		return false
	default:
		return v.IsZero()
	}
}

type isZeroer interface{ IsZero() bool }

// isZero is encoding/json's omitzero test.
func isZero(v reflect.Value) bool {
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return true
	}
	if z, ok := v.Interface().(isZeroer); ok {
		return z.IsZero()
	}

	return v.IsZero()
}
