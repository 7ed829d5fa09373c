//go:build tools

// Package tools pins the etcd server that backs the test control plane. It is
// a module of its own so its dependency versions never bend Kubernetes's.
package tools

import _ "go.etcd.io/etcd/server/v3/etcdmain"
