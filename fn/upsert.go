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

// checkCollisions reports every object that two CocoConfigs would both
// generate, and every generated object that would replace an item coco-fn
// did not generate from the same CocoConfig.
func checkCollisions(installs []install, items fn.KubeObjects) fn.Results {
	var results fn.Results
	generatedBy := map[objectID]string{}
	for _, in := range installs {
		for _, o := range in.objects {
			id := idOf(o)
			if other, dup := generatedBy[id]; dup {
				results = append(results, objectResult(fmt.Sprintf(
					"CocoConfigs %q and %q both generate %s; give one of them another "+
						"spec.multiInstallSuffix, spec.name or spec.namespace", other, in.owner, id),
					in.source, fn.Error))
				continue
			}
			generatedBy[id] = in.owner
		}
	}

	regenerated := owners(installs)
	for _, item := range items {
		id := idOf(item)
		by, generated := generatedBy[id]
		if !generated || regenerated[item.GetAnnotation(OwnerAnnotation)] {
			continue
		}
		results = append(results, objectResult(fmt.Sprintf(
			"CocoConfig %q would replace %s, which it did not generate; rename or remove one of them",
			by, id), item, fn.Error))
	}

	return results
}

func owners(installs []install) map[string]bool {
	set := make(map[string]bool, len(installs))
	for _, in := range installs {
		set[in.owner] = true
	}

	return set
}

// upsert drops what the installs' CocoConfigs generated before, marks those
// CocoConfigs local-config so that they are never applied to a cluster, and
// appends the new objects.
func upsert(rl *fn.ResourceList, installs []install) {
	regenerated := owners(installs)
	sources := map[objectID]bool{}
	for _, in := range installs {
		sources[idOf(in.source)] = true
	}

	kept := make(fn.KubeObjects, 0, len(rl.Items))
	for _, item := range rl.Items {
		if regenerated[item.GetAnnotation(OwnerAnnotation)] {
			continue
		}
		if isCocoConfig(item) && sources[idOf(item)] {
			_ = item.SetAnnotation(localConfigAnnotation, "true")
		}
		kept = append(kept, item)
	}

	for _, in := range installs {
		kept = append(kept, in.objects...)
	}
	rl.Items = kept
}
