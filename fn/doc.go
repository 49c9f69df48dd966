// Package fn is the KRM side of coco-fn: the CocoConfig API, its strict
// decoding, defaults and validation, and the ResourceList processing that
// upserts the generated install into the list.
//
// A kustomize generator or a kpt pipeline hands coco-fn a ResourceList:
//
//	out, err := fn.Render(resourceList)
//
// The CocoConfig comes as the functionConfig or, when there is none, as items
// of the list. Every problem in it comes back as an error result naming the
// field, and no object is generated until all of them are fixed. Generated
// objects are written by a small YAML writer of its own (yaml.go): the
// general-purpose encoders cost more than the rest of a run.
package fn
