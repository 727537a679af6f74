package resolve

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/multigres/multigres-operator/api/v1beta1"
)

// One template for the merge rules; each case overrides one cell's multigateway, one pool or
// the global topo server.
const mergeTemplate = `
multigateway:
  replicas: 2
  resources: {requests: {cpu: 500m, memory: 512Mi}, limits: {cpu: "1", memory: 1Gi}}
  affinity:
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
      - {weight: 100, podAffinityTerm: {topologyKey: kubernetes.io/hostname}}
      - {weight: 50, podAffinityTerm: {topologyKey: topology.kubernetes.io/zone}}
shardPool:
  replicas: 3
  dataVolumeClaimTemplate:
    accessModes: [ReadWriteOnce]
    storageClassName: fast
    resources: {requests: {storage: 100Gi}}
  postgres: {resources: {requests: {cpu: "2", memory: 4Gi}, limits: {cpu: "4", memory: 8Gi}}}
managedTopoServer:
  replicas: 3
  imagePullSecrets: [{name: a}, {name: b}]
`

func gatewayWith(t *testing.T, overrides string) v1beta1.StatelessSpec {
	t.Helper()
	c := cluster(t, `
cells:
- name: z
  spec:
    multigateway:
      deploymentTemplate: t
      overrides: `+overrides)
	return resolveOK(t, c, templates(t, map[string]string{"t": mergeTemplate})).Cells[0].Spec.MultiGateway
}

func poolWith(t *testing.T, overrides string) v1beta1.PoolSpec {
	t.Helper()
	c := cluster(t, `
cells: [{name: z}]
databases:
- name: d
  spec:
    tablegroups:
    - name: g
      shardTemplate:
        pools:
        - type: replica
          cell: z
          deploymentTemplate: t
          overrides: `+overrides)
	return resolveOK(t, c, templates(t, map[string]string{"t": mergeTemplate})).TableGroups[0].Spec.ShardTemplate.Pools[0]
}

func TestMergeScalarsWin(t *testing.T) {
	if got := *gatewayWith(t, `{replicas: 5}`).Replicas; got != 5 {
		t.Errorf("replicas %d, want the override's 5", got)
	}
}

// replicas: 0 is set, not absent: it wins over the template's 2 (pointer fields).
func TestMergeZeroIsSet(t *testing.T) {
	if got := *gatewayWith(t, `{replicas: 0}`).Replicas; got != 0 {
		t.Errorf("replicas %d, want the override's 0", got)
	}
	p := poolWith(t, `{replicas: 0}`)
	if *p.Replicas != 0 {
		t.Errorf("pool replicas %d, want 0", *p.Replicas)
	}
}

// What an override leaves out keeps the template's value.
func TestMergeEmptyOverrideKeepsTemplate(t *testing.T) {
	want := templates(t, map[string]string{"t": mergeTemplate})["t"].Spec.MultiGateway
	expectEqual(t, "gateway", gatewayWith(t, `{}`), *want)
}

// requests and limits merge per resource name.
func TestMergeResourcesPerName(t *testing.T) {
	got := gatewayWith(t, `{resources: {limits: {cpu: "2"}}}`)
	expectEqual(t, "resources", got.Resources, res("cpu=500m,memory=512Mi", "cpu=2,memory=1Gi"))

	p := poolWith(t, `{postgres: {resources: {requests: {cpu: "4"}}}, dataVolumeClaimTemplate: {resources: {requests: {storage: 1Ti}}}}`)
	expectEqual(t, "postgres", p.Postgres.Resources, res("cpu=4,memory=4Gi", "cpu=4,memory=8Gi"))
	v := p.DataVolumeClaimTemplate
	if v.Resources.Requests.Storage().String() != "1Ti" || *v.StorageClassName != "fast" || v.AccessModes[0] != corev1.ReadWriteOnce {
		t.Errorf("volume %+v: want 1Ti with the template's class and access modes", v)
	}
}

// Objects merge deeply: a new key beside the template's keeps them.
func TestMergeObjectsDeeply(t *testing.T) {
	got := gatewayWith(t, `{affinity: {nodeAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 1, preference: {}}]}}}`)
	if got.Affinity.NodeAffinity == nil || len(got.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution) != 2 {
		t.Errorf("affinity %+v: want the override's node affinity and the template's two anti-affinity terms", got.Affinity)
	}
}

// Lists are replaced whole: affinity terms, pull secrets, access modes.
func TestMergeListsReplaced(t *testing.T) {
	got := gatewayWith(t, `{affinity: {podAntiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 7, podAffinityTerm: {topologyKey: x}}]}}}`)
	terms := got.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution
	if len(terms) != 1 || terms[0].Weight != 7 {
		t.Errorf("terms %+v, want only the override's", terms)
	}

	p := poolWith(t, `{dataVolumeClaimTemplate: {accessModes: [ReadWriteOncePod]}}`)
	expectEqual(t, "access modes", p.DataVolumeClaimTemplate.AccessModes,
		[]corev1.PersistentVolumeAccessMode{corev1.ReadWriteOncePod})

	c := cluster(t, `globalTopoServer: {deploymentTemplate: t, overrides: {imagePullSecrets: [{name: c}]}}`)
	topo := resolveOK(t, c, templates(t, map[string]string{"t": mergeTemplate})).GlobalTopoServer
	expectEqual(t, "pull secrets", topo.Spec.ImagePullSecrets, []corev1.LocalObjectReference{{Name: "c"}})
}

func TestMergePatchRFC7386(t *testing.T) {
	tests := []struct{ target, patch, want string }{
		{`{"a":"b"}`, `{"a":"c"}`, `{"a":"c"}`},
		{`{"a":"b"}`, `{"b":"c"}`, `{"a":"b","b":"c"}`},
		{`{"a":"b"}`, `{"a":null}`, `{}`},
		{`{"a":[{"b":"c"}]}`, `{"a":[1]}`, `{"a":[1]}`},
		{`{"a":{"b":"c"}}`, `{"a":{"b":"d","c":null}}`, `{"a":{"b":"d"}}`},
		{`{"e":null}`, `{"a":1}`, `{"a":1,"e":null}`},
		{`[1,2]`, `{"a":"b","c":null}`, `{"a":"b"}`},
		{`{}`, `{"a":{"bb":{"ccc":null}}}`, `{"a":{"bb":{}}}`},
	}
	for _, tt := range tests {
		var target, patch any
		decode(t, tt.target, &target)
		decode(t, tt.patch, &patch)
		var want any
		decode(t, tt.want, &want)
		expectEqual(t, tt.target+" + "+tt.patch, mergeJSON(target, patch), want)
	}
}
