# coco-fn as a container image, for kpt (fn eval --image, or a pipeline
# `image:`) and kustomize container functions:
#   make image    # CGO_ENABLED=0 build of bin/coco-fn, then podman build
# The image holds the static binary and nothing else but the /etc/passwd and
# /etc/group that name user nobody, the user kpt and kustomize run functions as.
FROM scratch
COPY build/passwd build/group /etc/
COPY bin/coco-fn /coco-fn
USER nobody:nobody
ENTRYPOINT ["/coco-fn"]
