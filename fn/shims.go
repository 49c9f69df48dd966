package fn

import (
	"fmt"
	"slices"
	"strings"

	"github.com/coco-fn/coco-fn/generators"
)

// resolveShims fills plan.Shims and plan.DefaultShim from the spec, or from
// the architecture profile where the spec lists no shims.
func resolveShims(errs *problems, s CocoConfigSpec, plan *generators.Plan) {
	specs := s.Shims
	if specs == nil {
		for _, name := range plan.Architecture.DefaultShims {
			specs = append(specs, ShimSpec{Name: name})
		}
	}
	if len(specs) == 0 {
		errs.add("spec.shims", nil, "must list at least one shim, or be left out for the %s profile",
			plan.Architecture.Name)
	}

	allowed := generators.ShimsFor(plan.Release, plan.Architecture.Name)
	seen := map[string]bool{}
	for i, spec := range specs {
		path := fmt.Sprintf("spec.shims[%d]", i)
		checkShim(errs, path, spec, allowed, plan.Release, plan.Architecture.Name)
		if seen[spec.Name] {
			errs.add(path+".name", spec.Name, "shim %q is listed twice; each shim may appear once",
				spec.Name)
		}
		seen[spec.Name] = true

		plan.Shims = append(plan.Shims, generators.Shim{
			Name:           spec.Name,
			Snapshotter:    deref(spec.Snapshotter, DefaultSnapshotter),
			PullType:       deref(spec.PullType, DefaultPullType),
			ForceGuestPull: spec.ForceGuestPull,
		})
	}

	resolveDefaultShim(errs, s, plan)
	checkHandlers(errs, plan)
}

// checkSetup warns about shims mapped to a snapshotter that the node script
// is not asked to set up: it must then already run on the nodes.
func checkSetup(errs *problems, plan generators.Plan) {
	if !plan.Release.PerArchEnv {
		return
	}

	for i, shim := range plan.Shims {
		if generators.IsSnapshotter(shim.Snapshotter) &&
			!slices.Contains(plan.SetupSnapshotters, shim.Snapshotter) {
			errs.warn(fmt.Sprintf("spec.shims[%d].snapshotter", i), shim.Snapshotter,
				"%s is not in spec.setupSnapshotters, so the node script does not set it up; "+
					"it must already run on every node", shim.Snapshotter)
		}
	}
}

func checkShim(errs *problems, path string, spec ShimSpec, allowed []string,
	release generators.Release, arch string) {
	if !slices.Contains(allowed, spec.Name) {
		errs.add(path+".name", spec.Name, "unknown shim %q for architecture %s and kata-deploy %s; "+
			"allowed: %s", spec.Name, arch, release.Version, strings.Join(allowed, ", "))
	}

	if v := deref(spec.Snapshotter, ""); v != "" && !generators.IsSnapshotter(v) {
		errs.add(path+".snapshotter", v, "unknown snapshotter %q; allowed: %s, or \"\" for none",
			v, strings.Join(generators.Snapshotters, ", "))
	}

	if v := deref(spec.PullType, ""); v != "" && !slices.Contains(generators.PullTypes, v) {
		errs.add(path+".pullType", v, "unknown pull type %q; allowed: %s, or \"\" for none",
			v, strings.Join(generators.PullTypes, ", "))
	}

	if spec.ForceGuestPull && !release.PerArchEnv {
		errs.add(path+".forceGuestPull", true, "not supported by kata-deploy %s; allowed from 3.22.0",
			release.Version)
	}
}

// resolveDefaultShim picks the shim behind the kata alias: the one named, or
// the first shim. It is never left empty: the node script would read an empty
// value as qemu, a shim the CoCo profiles do not install.
func resolveDefaultShim(errs *problems, s CocoConfigSpec, plan *generators.Plan) {
	if s.DefaultShim == "" {
		if len(plan.Shims) > 0 {
			plan.DefaultShim = plan.Shims[0].Name
		}
		return
	}

	names := make([]string, 0, len(plan.Shims))
	for _, shim := range plan.Shims {
		names = append(names, shim.Name)
	}
	if !slices.Contains(names, s.DefaultShim) {
		errs.add("spec.defaultShim", s.DefaultShim, "%q is not among the shims; allowed: %s",
			s.DefaultShim, strings.Join(names, ", "))
	}
	plan.DefaultShim = s.DefaultShim
}

// checkHandlers checks that every RuntimeClass handler is a DNS label of at
// most 63 characters, which the suffix can break.
func checkHandlers(errs *problems, plan *generators.Plan) {
	for _, shim := range plan.Shims {
		handler := plan.RuntimeClassName(shim.Name)
		if len(handler) > maxRuntimeHandlerLabel {
			errs.add("spec.multiInstallSuffix", plan.Suffix, "makes the RuntimeClass handler %q, "+
				"%d characters long; at most %d allowed", handler, len(handler), maxRuntimeHandlerLabel)
			return
		}
	}
}

// resolveSnapshotters fills plan.SetupSnapshotters: the spec's list, or nydus
// for releases that can set snapshotters up.
func resolveSnapshotters(errs *problems, list []string, plan *generators.Plan) {
	if list == nil && plan.Release.PerArchEnv {
		list = []string{DefaultSnapshotter}
	}
	if len(list) > 0 && !plan.Release.PerArchEnv {
		errs.add("spec.setupSnapshotters", list, "not supported by kata-deploy %s; "+
			"allowed from 3.22.0", plan.Release.Version)
	}

	seen := map[string]bool{}
	for i, name := range list {
		path := fmt.Sprintf("spec.setupSnapshotters[%d]", i)
		if !generators.IsSnapshotter(name) {
			errs.add(path, name, "unknown snapshotter %q; allowed: %s",
				name, strings.Join(generators.Snapshotters, ", "))
		}
		if seen[name] {
			errs.add(path, name, "snapshotter %q is listed twice", name)
		}
		seen[name] = true
	}
	plan.SetupSnapshotters = list
}

func deref(p *string, def string) string {
	if p == nil {
		return def
	}

	return *p
}
