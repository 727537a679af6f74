// Package limits runs the whole operator with the Multigres limits users get
// (--multigres-limits=v0.1, limits.Default) against a real kube-apiserver and etcd: what the
// images cannot serve is reported by a Supported=False condition and gets no pods. There is
// no kube-controller-manager: tests play the StatefulSet controller by writing its status.
package limits

import (
	"context"
	"os"
	"testing"
	"time"

	. "github.com/onsi/gomega"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/cluster-api/util/conditions"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/internal/limits"
	"github.com/multigres/multigres-operator/internal/testenv"
)

var k8s client.Client

func TestMain(m *testing.M) { os.Exit(testenv.RunWithOperator(m, nil, &k8s, limits.Default)) }

const (
	timeout = 20 * time.Second
	poll    = 50 * time.Millisecond
)

var ctx = context.Background()

func newNamespace(t *testing.T, name string) string {
	t.Helper()
	if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}); err != nil {
		t.Fatal(err)
	}
	return name
}

func key(ns, name string) client.ObjectKey { return client.ObjectKey{Namespace: ns, Name: name} }

// get waits for an object to exist and returns it.
func get[T client.Object](g Gomega, ns, name string, obj T) T {
	g.Eventually(func() error { return k8s.Get(ctx, key(ns, name), obj) }, timeout, poll).Should(Succeed(), "%s/%s", ns, name)
	return obj
}

type conditionObject interface {
	client.Object
	conditions.Getter
}

// haveCondition waits until obj's condition t, for obj's generation, has status and reason,
// and returns it.
func haveCondition(g Gomega, obj conditionObject, t string, status metav1.ConditionStatus, reason string) *metav1.Condition {
	var c *metav1.Condition
	g.Eventually(func(g Gomega) {
		g.Expect(k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj)).To(Succeed())
		c = conditions.Get(obj, t)
		g.Expect(c).NotTo(BeNil(), "%s has no %s condition", obj.GetName(), t)
		g.Expect(c.Status).To(Equal(status), "%s %s: %s", obj.GetName(), t, c.Message)
		g.Expect(c.Reason).To(Equal(reason), "%s %s: %s", obj.GetName(), t, c.Message)
		g.Expect(c.ObservedGeneration).To(Equal(obj.GetGeneration()))
	}, timeout, poll).Should(Succeed())
	return c
}

// setStatefulSetStatus plays the StatefulSet controller: it runs spec.replicas pods, all
// current and ready.
func setStatefulSetStatus(g Gomega, ns, name string) {
	g.Eventually(func() error { return testenv.MarkStatefulSetReady(ctx, k8s, key(ns, name)) }, timeout, poll).Should(Succeed())
}
