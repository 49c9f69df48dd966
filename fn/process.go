package fn

import (
	"fmt"
	"io"
	"os"
	"path"
	"strconv"
	"strings"

	"github.com/kptdev/krm-functions-sdk/go/fn"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/coco-fn/coco-fn/generators"
)

// Annotations coco-fn reads and writes.
const (
	// OwnerAnnotation names, on every generated object, the CocoConfig it was
	// generated from; the next run replaces exactly those objects.
	OwnerAnnotation = Group + "/config"

	localConfigAnnotation = "config.kubernetes.io/local-config"
	pathAnnotation        = "internal.config.kubernetes.io/path"
	legacyPathAnnotation  = "config.kubernetes.io/path"
	indexAnnotation       = "internal.config.kubernetes.io/index"
	legacyIndexAnnotation = "config.kubernetes.io/index"
)

// install is one CocoConfig of the list and what it generates.
type install struct {
	source  *fn.KubeObject
	owner   string
	plan    generators.Plan
	objects []planned
}

// planned is an object an install generates: its identity, and its file in
// a kpt package (or none). The object itself is built only when it is
// written, so that a list of thousands of installs is never held in memory.
type planned struct {
	id    objectID
	file  string
	index int
}

// output is what a run hands back: the items it keeps, the objects it
// generated and its results.
type output struct {
	items     fn.KubeObjects
	generated []install
	results   fn.Results
}

// process generates the install of every CocoConfig in the ResourceList and
// upserts it: objects a CocoConfig generated on an earlier run are replaced,
// everything else passes through untouched. On any error result the items
// are handed back exactly as they came, and the error results are returned
// as the error too.
func process(rl *fn.ResourceList) (output, error) {
	sources, err := configSources(rl)
	if err != nil {
		return fail(rl, fn.Results{objectResult(err.Error(), rl.FunctionConfig, fn.Error)})
	}

	if len(sources) == 0 {
		results := fn.Results{fn.GeneralResult(
			"no CocoConfig found in functionConfig or items; nothing generated", fn.Warning)}
		logWarnings(results)
		return output{items: rl.Items, results: results}, nil
	}

	installs, results := loadAll(sources)
	if !hasErrors(results) {
		results = append(results, checkCollisions(installs, rl.Items)...)
	}
	if hasErrors(results) {
		return fail(rl, results)
	}

	logWarnings(results)
	out := upsert(rl.Items, installs)
	out.results = append(results, out.results...)

	return out, nil
}

// fail hands back the items as they came with the error and warning results,
// and returns the errors, so that the caller exits non-zero and prints them
// on stderr too. The summaries of what would have been generated are left
// out: nothing was.
func fail(rl *fn.ResourceList, results fn.Results) (output, error) {
	out := output{items: rl.Items}

	var errs fn.Results
	for _, r := range results {
		switch r.Severity {
		case fn.Error:
			errs = append(errs, r)
			out.results = append(out.results, r)
		case fn.Warning:
			out.results = append(out.results, r)
		}
	}

	return out, errs
}

// Warnings receives a copy of every warning result, one per line: stderr,
// where kustomize, which does not show results, lets the user see them.
var Warnings io.Writer = os.Stderr

func logWarnings(results fn.Results) {
	for _, r := range results {
		if r.Severity == fn.Warning {
			fmt.Fprintln(Warnings, "coco-fn:", r.String())
		}
	}
}

func hasErrors(results fn.Results) bool { return results.ExitCode() != 0 }

// configSources returns the CocoConfigs to generate: the functionConfig when
// it is one, otherwise every CocoConfig among the items. An empty
// functionConfig, or kpt's empty placeholder ConfigMap, counts as none.
func configSources(rl *fn.ResourceList) ([]*fn.KubeObject, error) {
	fc := rl.FunctionConfig
	switch {
	case fc == nil || fc.IsEmpty() || isPlaceholder(fc):
		return rl.Items.Where(isCocoConfig), nil
	case isCocoConfig(fc):
		return []*fn.KubeObject{fc}, nil
	default:
		return nil, fmt.Errorf("functionConfig is a %s (%s); want a %s (%s), or none to "+
			"generate every %s among the items", fc.GetKind(), fc.GetAPIVersion(), Kind, APIVersion, Kind)
	}
}

func isCocoConfig(o *fn.KubeObject) bool {
	group, _, _ := strings.Cut(o.GetAPIVersion(), "/")
	return o.GetKind() == Kind && group == Group
}

func isPlaceholder(o *fn.KubeObject) bool {
	if o.GetKind() != "ConfigMap" || o.GetAPIVersion() != "v1" {
		return false
	}
	data, _, _ := o.NestedStringMap("data")

	return len(data) == 0
}

// owner identifies a CocoConfig in the OwnerAnnotation of its objects.
func owner(o *fn.KubeObject) string {
	if ns := o.GetNamespace(); ns != "" {
		return ns + "/" + o.GetName()
	}

	return o.GetName()
}

// loadAll decodes, validates and generates every CocoConfig. It returns the
// installs and, for each CocoConfig, its warnings and errors or a summary of
// what it generates.
func loadAll(sources []*fn.KubeObject) ([]install, fn.Results) {
	var installs []install
	var results fn.Results
	for _, src := range sources {
		in, problems, err := load(src)
		results = append(results, fieldResults(src, problems)...)
		switch {
		case err != nil:
			results = append(results, objectResult(err.Error(), src, fn.Error))
		case !problems.fatal():
			installs = append(installs, in)
			results = append(results, objectResult(summary(in), src, fn.Info))
		}
	}

	return installs, results
}

func load(src *fn.KubeObject) (install, problems, error) {
	m, err := src.CopyToResourceNode().Map()
	if err != nil {
		// The YAML library appends the whole object to its message.
		msg, _, _ := strings.Cut(err.Error(), " for the following resource")
		return install{}, nil, fmt.Errorf("read %s: %s", Kind, msg)
	}

	cfg, errs := decodeStrict(m)
	if cfg == nil {
		return install{}, errs, nil
	}
	if cfg.APIVersion != APIVersion {
		errs.add("apiVersion", cfg.APIVersion, "unknown version %q; allowed: %s",
			cfg.APIVersion, APIVersion)
		return install{}, errs, nil
	}

	plan, invalid := resolve(cfg)
	if errs = append(errs, invalid...); errs.fatal() {
		return install{}, errs, nil
	}

	in := install{source: src, owner: owner(src), plan: plan}
	in.objects = plannedObjects(in)

	return in, errs, nil
}

// plannedObjects lists the objects of one install and, in a kpt package, the
// file each belongs in, next to the CocoConfig.
func plannedObjects(in install) []planned {
	dir := packageDir(in.source)
	indexes := map[string]int{}

	var objects []planned
	for _, g := range generators.Generate(in.plan) {
		gvk := g.Object.GetObjectKind().GroupVersionKind()
		meta := g.Object.(metav1.Object)
		p := planned{id: objectID{group: gvk.Group, kind: gvk.Kind,
			namespace: meta.GetNamespace(), name: meta.GetName()}}
		if dir != "" {
			p.file = path.Join(dir, g.File)
			p.index = indexes[p.file]
			indexes[p.file]++
		}
		objects = append(objects, p)
	}

	return objects
}

// build generates the objects of one install, annotated with their owner and
// the file they belong in.
func build(in install) ([]manifest, error) {
	var objects []manifest
	for i, g := range generators.Generate(in.plan) {
		p := in.objects[i]
		m, err := toManifest(g.Object)
		if err != nil {
			return nil, err
		}

		m.setAnnotation(OwnerAnnotation, in.owner)
		if p.file != "" {
			index := strconv.Itoa(p.index)
			m.setAnnotation(pathAnnotation, p.file)
			m.setAnnotation(legacyPathAnnotation, p.file)
			m.setAnnotation(indexAnnotation, index)
			m.setAnnotation(legacyIndexAnnotation, index)
		}
		objects = append(objects, m)
	}

	return objects, nil
}

// packageDir is the directory, relative to the kpt package, that receives the
// objects of a CocoConfig: a folder named after it, beside its own file. It is
// empty outside kpt, where the CocoConfig has no file.
func packageDir(src *fn.KubeObject) string {
	file := filePath(src)
	if file == "" {
		return ""
	}

	return path.Join(path.Dir(file), src.GetName())
}

// filePath is the file an object was read from, in a kpt package.
func filePath(o *fn.KubeObject) string {
	if file := o.GetAnnotation(pathAnnotation); file != "" {
		return file
	}

	return o.GetAnnotation(legacyPathAnnotation)
}

func summary(in install) string {
	counts := map[string]int{}
	var kinds []string
	for _, o := range in.objects {
		if counts[o.id.kind] == 0 {
			kinds = append(kinds, o.id.kind)
		}
		counts[o.id.kind]++
	}

	parts := make([]string, 0, len(kinds))
	for _, k := range kinds {
		parts = append(parts, fmt.Sprintf("%d %s", counts[k], k))
	}

	return fmt.Sprintf("generated %s for %s with kata-deploy %s in namespace %s",
		strings.Join(parts, ", "), in.plan.Architecture.Name, in.plan.Release.Version,
		in.plan.Namespace)
}

// objectResult is a result about one object, naming its file when it has one.
func objectResult(msg string, obj *fn.KubeObject, severity fn.Severity) *fn.Result {
	r := &fn.Result{
		Message:  msg,
		Severity: severity,
		ResourceRef: &fn.ResourceRef{
			APIVersion: obj.GetAPIVersion(),
			Kind:       obj.GetKind(),
			Name:       obj.GetName(),
			Namespace:  obj.GetNamespace(),
		},
	}
	if file := filePath(obj); file != "" {
		r.File = &fn.File{Path: file, Index: max(obj.IndexAnnotation(), 0)}
	}

	return r
}

// fieldResults turns problems into error results that point at the field.
func fieldResults(src *fn.KubeObject, errs problems) fn.Results {
	results := make(fn.Results, 0, len(errs))
	for _, e := range errs {
		severity := fn.Error
		if e.Warning {
			severity = fn.Warning
		}
		r := objectResult(e.Message, src, severity)
		r.Field = &fn.Field{Path: e.Path, CurrentValue: e.Value}
		results = append(results, r)
	}

	return results
}
