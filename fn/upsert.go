package fn

import (
	"fmt"

	"github.com/kptdev/krm-functions-sdk/go/fn"
)

// objectID identifies an object in a cluster: group, kind, namespace, name.
type objectID struct {
	group, kind, namespace, name string
}

func idOf(o *fn.KubeObject) objectID {
	gk := o.GroupKind()
	return objectID{group: gk.Group, kind: gk.Kind, namespace: o.GetNamespace(), name: o.GetName()}
}

func (id objectID) String() string {
	kind := id.kind
	if id.group != "" {
		kind += "." + id.group
	}
	if id.namespace != "" {
		return fmt.Sprintf("%s %s/%s", kind, id.namespace, id.name)
	}

	return fmt.Sprintf("%s %s", kind, id.name)
}

// checkCollisions reports every conflict between the installs, and between
// them and the other items: two CocoConfigs of one name or one suffix, an
// object two CocoConfigs would both generate, and a generated object or file
// that would replace one coco-fn did not generate from the same CocoConfig.
func checkCollisions(installs []install, items fn.KubeObjects) fn.Results {
	if results := checkSources(installs); len(results) > 0 {
		return results
	}

	var results fn.Results
	generatedBy := map[objectID]install{}
	files := map[string]install{}
	for _, in := range installs {
		for _, o := range in.objects {
			id := o.id
			if other, dup := generatedBy[id]; dup && other.owner != in.owner {
				results = append(results, objectResult(fmt.Sprintf(
					"CocoConfigs %s and %s both generate %s; change spec.name or spec.multiInstallSuffix of one",
					describeSource(other), describeSource(in), id), in.source, fn.Error))
				continue
			}
			generatedBy[id] = in
			if o.file != "" {
				files[o.file] = in
			}
		}
	}

	return append(results, checkItems(installs, items, generatedBy, files)...)
}

// checkSources reports CocoConfigs that share a name, or a multi-install
// suffix: kata-deploy installs with one suffix overwrite each other's files
// on every node they share.
func checkSources(installs []install) fn.Results {
	var results fn.Results
	byOwner := map[string]install{}
	bySuffix := map[string]install{}
	for _, in := range installs {
		if other, dup := byOwner[in.owner]; dup {
			results = append(results, objectResult(fmt.Sprintf("CocoConfigs %s and %s have the "+
				"same name; rename one", describeSource(other), describeSource(in)), in.source, fn.Error))
			continue
		}
		byOwner[in.owner] = in

		if other, dup := bySuffix[in.plan.Suffix]; dup {
			r := objectResult(fmt.Sprintf("CocoConfigs %s and %s both install with suffix %q; "+
				"kata-deploy installs that share a cluster need their own spec.multiInstallSuffix",
				describeSource(other), describeSource(in), in.plan.Suffix), in.source, fn.Error)
			r.Field = &fn.Field{Path: "spec.multiInstallSuffix", CurrentValue: in.plan.Suffix}
			results = append(results, r)
			continue
		}
		bySuffix[in.plan.Suffix] = in
	}

	return results
}

// checkItems reports items that a generated object, or file, would replace
// although the same CocoConfig did not generate them.
func checkItems(installs []install, items fn.KubeObjects, generatedBy map[objectID]install,
	files map[string]install) fn.Results {
	var results fn.Results
	regenerated := owners(installs)
	for _, item := range items {
		itemOwner := item.GetAnnotation(OwnerAnnotation)
		if regenerated[itemOwner] {
			continue
		}

		id := idOf(item)
		if in, clash := generatedBy[id]; clash {
			results = append(results, objectResult(fmt.Sprintf("CocoConfig %s would replace %s, "+
				"which it did not generate%s", describeSource(in), id, ownerHint(itemOwner)),
				item, fn.Error))
			continue
		}
		if in, clash := files[filePath(item)]; clash && filePath(item) != "" {
			results = append(results, objectResult(fmt.Sprintf("CocoConfig %s writes its objects "+
				"to %s, which holds %s; move that object or rename the CocoConfig",
				describeSource(in), filePath(item), id), item, fn.Error))
		}
	}

	return results
}

// ownerHint explains an object left behind by another CocoConfig.
func ownerHint(owner string) string {
	if owner == "" {
		return "; rename or remove one of them"
	}

	return fmt.Sprintf(" but CocoConfig %q did; if that CocoConfig was renamed or removed, "+
		"delete the objects it left behind", owner)
}

// describeSource names a CocoConfig, and its file when it has one.
func describeSource(in install) string {
	if file := filePath(in.source); file != "" {
		return fmt.Sprintf("%q (%s)", in.owner, file)
	}

	return fmt.Sprintf("%q", in.owner)
}

func owners(installs []install) map[string]bool {
	set := make(map[string]bool, len(installs))
	for _, in := range installs {
		set[in.owner] = true
	}

	return set
}

// upsert drops the items that the installs' CocoConfigs generated before,
// marks those CocoConfigs local-config so that they are never applied to a
// cluster, and adds the new objects. Its results report each object that a
// CocoConfig generated before and no longer does.
func upsert(items fn.KubeObjects, installs []install) output {
	regenerated := owners(installs)
	sources := map[objectID]bool{}
	current := map[objectID]bool{}
	var out output
	for _, in := range installs {
		sources[idOf(in.source)] = true
		for _, o := range in.objects {
			current[o.id] = true
		}
		out.generated = append(out.generated, in)
	}

	out.items = make(fn.KubeObjects, 0, len(items))
	for _, item := range items {
		if owner := item.GetAnnotation(OwnerAnnotation); regenerated[owner] {
			if !current[idOf(item)] {
				out.results = append(out.results, objectResult(fmt.Sprintf("removed %s: "+
					"CocoConfig %q no longer generates it", idOf(item), owner), item, fn.Info))
			}
			continue
		}
		if isCocoConfig(item) && sources[idOf(item)] {
			_ = item.SetAnnotation(localConfigAnnotation, "true")
			forgetID(item)
		}
		out.items = append(out.items, item)
	}

	return out
}

// Annotations by which kustomize and kpt match an output item with the input
// item it came from.
const (
	idAnnotation       = "internal.config.kubernetes.io/id"
	legacyIDAnnotation = "config.k8s.io/id"
)

// forgetID removes the id of a CocoConfig passed through. For an item with an
// id, the orchestrator copies the input's comments onto the output item by
// walking both with kyaml's built-in OpenAPI schema, which takes about 90 ms
// to load: five times the rest of a kustomize build. The CocoConfig keeps
// its comments anyway, and is local-config.
func forgetID(item *fn.KubeObject) {
	_ = item.RemoveAnnotation(idAnnotation)
	_ = item.RemoveAnnotation(legacyIDAnnotation)
}
