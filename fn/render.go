package fn

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// Render runs coco-fn on a ResourceList, the function's whole job: it reads
// the list, generates the install of its CocoConfigs and returns the list to
// write back. When the list holds errors, the returned list carries them as
// results and the items unchanged, and the error lists them too.
func Render(input []byte) ([]byte, error) {
	var b bytes.Buffer
	err := RenderTo(&b, input)

	return b.Bytes(), err
}

// RenderTo is Render writing to w, which it flushes, as the list is encoded:
// a list of thousands of installs is never held as text in memory.
func RenderTo(w io.Writer, input []byte) error {
	rl, err := fn.ParseResourceList(input)
	if err != nil {
		return fmt.Errorf("read ResourceList: %w", err)
	}

	out, err := process(rl)

	bw := bufio.NewWriterSize(w, 64<<10)
	if encodeErr := out.encode(bw); encodeErr != nil && err == nil {
		err = encodeErr
	}
	if flushErr := bw.Flush(); flushErr != nil && err == nil {
		err = flushErr
	}

	return err
}

// encode writes the output as a ResourceList. Items that came in are written
// as the SDK reads them, comments included; the objects of each install are
// built and written by writeValue one install at a time.
func (o output) encode(b sink) error {
	b.WriteString("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n")

	if len(o.items)+len(o.generated) == 0 {
		b.WriteString("items: []\n")
	} else {
		b.WriteString("items:\n")
	}
	for _, item := range o.items {
		writeItem(b, item.String())
	}
	for _, in := range o.generated {
		objects, err := build(in)
		if err != nil {
			return err
		}
		for _, m := range objects {
			b.WriteString("- ")
			writeMapping(b, m.data, 2, true)
		}
	}

	if len(o.results) > 0 {
		b.WriteString("results:")
		writeValue(b, genericResults(o.results), 0)
	}

	return nil
}

// writeItem writes one YAML document as an item of a list, indented by two.
func writeItem(b sink, doc string) {
	lines := strings.Split(strings.TrimRight(doc, "\n"), "\n")
	for i, line := range lines {
		switch {
		case i == 0:
			b.WriteString("- ")
		case line != "":
			b.WriteString("  ")
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
}

// genericResults turns results into the generic data writeValue writes.
func genericResults(results fn.Results) any {
	raw, err := json.Marshal(results)
	if err != nil {
		return []any{map[string]any{"message": "encode results: " + err.Error(), "severity": "error"}}
	}

	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()

	var v any
	_ = dec.Decode(&v)

	return v
}
