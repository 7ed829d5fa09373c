//go:build tools

// Package tools pins the control-plane binaries this module builds. The
// kube-* entry points live in k8s.io/kubernetes, whose go.mod points its
// staging modules at ./staging; the replace lines above send them to their
// published v0.37.2 tags instead, which is what makes `go build` work here.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver/app"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	_ "k8s.io/kubernetes/cmd/kube-scheduler/app"
)
