// Package limits runs the whole operator with the Multigres limits users get
// (--multigres-limits=v0.1, limits.Default) against a real kube-apiserver and etcd: what the
// images cannot serve is reported by a Supported=False condition and gets no pods. There is
// no kube-controller-manager: tests play the StatefulSet controller by writing its status.
package limits

import (
	"context"
	"os"
	"testing"

	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/testenv"
)

var k8s client.Client

func TestMain(m *testing.M) { os.Exit(testenv.RunWithOperator(m, nil, &k8s, limits.Default)) }

var ctx = context.Background()
