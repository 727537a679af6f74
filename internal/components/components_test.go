package components

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/multigres/multigres-operator/api/v1beta1"
	"github.com/multigres/multigres-operator/internal/components/pss"
	"github.com/multigres/multigres-operator/internal/names"
)

var (
	topo = GlobalTopo{Address: "c-global-client.ns.svc:2379", Root: "/multigres/global"}
	img  = Image{Name: "ghcr.io/multigres/multigres:v1", PullPolicy: corev1.PullIfNotPresent}
	pool = Pool{
		PostgresImage: Image{Name: "ghcr.io/multigres/pgctld:v1"}, PoolerImage: img, Topo: topo,
		Cell: "us-east-1", Database: "postgres",
		TableGroup: "default", Shard: "0-inf", Service: "tg-0-us-east-1-replica", Namespace: "ns",
		CredentialsSecret: "c-postgres-credentials", PgctldConfig: "tg-0-pgctld", BackupClaim: "tg-0-backups",
	}
	etcd = EtcdCluster{Image: Image{Name: "quay.io/coreos/etcd:v3.5.17"}, Name: "c-global", Namespace: "ns", PeerService: "c-global-peer", Replicas: 3}
)

func commandLine(c corev1.Container) string {
	return strings.Join(append(append([]string{}, c.Command...), c.Args...), " ")
}

// The command lines of multigres-components.md, program by program.
func TestCommandLines(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  corev1.Container
		want string
	}{
		{"multigateway", MultiGateway(Stateless{Image: img, Topo: topo}, "us-east-1"),
			"multigateway --http-port=15100 --grpc-port=15170 --pg-port=5432 --cell=us-east-1" +
				" --topo-global-server-addresses=c-global-client.ns.svc:2379 --topo-global-root=/multigres/global --hostname=$(POD_IP)"},
		{"multiorch", MultiOrch(Stateless{Image: img, Topo: topo}, "us-west-2", []string{"postgres/default", "db/tg"}),
			"multiorch --http-port=15300 --grpc-port=15370 --cell=us-west-2 --watch-targets=postgres/default,db/tg --service-id=$(POD_NAME)" +
				" --topo-global-server-addresses=c-global-client.ns.svc:2379 --topo-global-root=/multigres/global --hostname=$(POD_IP)"},
		{"multiadmin", MultiAdmin(Stateless{Image: img, Topo: topo}),
			"multiadmin --http-port=15000 --grpc-port=15070 --service-map=grpc-multiadmin" +
				" --topo-global-server-addresses=c-global-client.ns.svc:2379 --topo-global-root=/multigres/global --hostname=$(POD_IP)"},
		{"pgctld", Postgres(pool),
			"pgctld server --pooler-dir=/var/lib/pooler --grpc-port=15470 --http-port=15400 --pg-port=5432 --pg-listen-addresses=*" +
				" --pg-hba-template=/etc/pgctld/pg_hba_template.conf --pgbackrest-port=8432 --pgbackrest-cert-dir=/certs"},
		{"multipooler", MultiPooler(pool),
			"multipooler --http-port=15200 --grpc-port=15270" +
				" --topo-global-server-addresses=c-global-client.ns.svc:2379 --topo-global-root=/multigres/global" +
				" --cell=us-east-1 --database=postgres --table-group=default --shard=0-inf --service-id=tg-0-us-east-1-replica-$(POD_INDEX)" +
				" --pooler-dir=/var/lib/pooler --pgctld-addr=localhost:15470 --pg-port=5432" +
				" --socket-file=/var/lib/pooler/pg_sockets/.s.PGSQL.5432" +
				" --hostname=$(POD_NAME).tg-0-us-east-1-replica.ns.svc --pgbackrest-port=8432 --pgbackrest-ca-file=/certs/ca.crt --pgbackrest-cert-file=/certs/pgbackrest.crt --pgbackrest-key-file=/certs/pgbackrest.key"},
		{"etcd", Etcd(etcd), "etcd"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := commandLine(tc.got); got != tc.want {
				t.Errorf("command line\n got: %s\nwant: %s", got, tc.want)
			}
		})
	}
}

func envOf(c corev1.Container) map[string]string {
	m := map[string]string{}
	for _, e := range c.Env {
		switch {
		case e.ValueFrom == nil:
			m[e.Name] = e.Value
		case e.ValueFrom.FieldRef != nil:
			m[e.Name] = "field:" + e.ValueFrom.FieldRef.FieldPath
		case e.ValueFrom.SecretKeyRef != nil:
			m[e.Name] = "secret:" + e.ValueFrom.SecretKeyRef.Name + "/" + e.ValueFrom.SecretKeyRef.Key
		}
	}
	return m
}

func TestEnvironment(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  corev1.Container
		want map[string]string
	}{
		{"etcd static bootstrap", Etcd(etcd), map[string]string{
			"POD_NAME":                         "field:metadata.name",
			"ETCD_NAME":                        "$(POD_NAME)",
			"ETCD_DATA_DIR":                    "/var/lib/etcd",
			"ETCD_LISTEN_CLIENT_URLS":          "http://0.0.0.0:2379",
			"ETCD_ADVERTISE_CLIENT_URLS":       "http://$(POD_NAME).c-global-peer.ns.svc:2379",
			"ETCD_LISTEN_PEER_URLS":            "http://0.0.0.0:2380",
			"ETCD_INITIAL_ADVERTISE_PEER_URLS": "http://$(POD_NAME).c-global-peer.ns.svc:2380",
			"ETCD_INITIAL_CLUSTER": "c-global-0=http://c-global-0.c-global-peer.ns.svc:2380," +
				"c-global-1=http://c-global-1.c-global-peer.ns.svc:2380,c-global-2=http://c-global-2.c-global-peer.ns.svc:2380",
			"ETCD_INITIAL_CLUSTER_STATE": "new",
			"ETCD_INITIAL_CLUSTER_TOKEN": "ns/c-global",
			"ETCD_LISTEN_METRICS_URLS":   "http://0.0.0.0:2381",
		}},
		{"postgres", Postgres(pool), map[string]string{
			"PGDATA":                 "/var/lib/pooler/pg_data",
			"POSTGRES_USER":          "secret:c-postgres-credentials/username",
			"POSTGRES_PASSWORD_FILE": "/etc/multigres/postgres/password",
		}},
		{"multipooler", MultiPooler(pool), map[string]string{
			"POD_NAME":               "field:metadata.name",
			"POD_INDEX":              "field:metadata.labels['apps.kubernetes.io/pod-index']",
			"PGDATA":                 "/var/lib/pooler/pg_data",
			"POSTGRES_USER":          "secret:c-postgres-credentials/username",
			"POSTGRES_PASSWORD_FILE": "/etc/multigres/postgres/password",
		}},
		{"multigateway", MultiGateway(Stateless{Topo: topo}, "c1"), map[string]string{"POD_IP": "field:status.podIP"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := envOf(tc.got)
			if len(got) != len(tc.want) {
				t.Errorf("env has %d variables, want %d: %v", len(got), len(tc.want), got)
			}
			for k, v := range tc.want {
				if got[k] != v {
					t.Errorf("%s = %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// Ports and probes: the probes hit the program's HTTP port on the doc's paths.
func TestPortsAndProbes(t *testing.T) {
	type probe struct{ live, ready, port string }
	for _, tc := range []struct {
		name  string
		got   corev1.Container
		ports map[string]int32
		probe probe
	}{
		{"multigateway", MultiGateway(Stateless{}, "c"), map[string]int32{"http": 15100, "grpc": 15170, "postgres": 5432}, probe{"/live", "/ready", "http"}},
		{"multiorch", MultiOrch(Stateless{}, "c", []string{"postgres/default"}), map[string]int32{"http": 15300, "grpc": 15370}, probe{"/live", "/ready", "http"}},
		{"multiadmin", MultiAdmin(Stateless{}), map[string]int32{"http": 15000, "grpc": 15070}, probe{"/live", "/ready", "http"}},
		{"multipooler", MultiPooler(pool), map[string]int32{"http": 15200, "grpc": 15270}, probe{"/live", "/ready", "http"}},
		{"postgres", Postgres(pool), map[string]int32{"pgctld-http": 15400, "pgctld-grpc": 15470, "postgres": 5432, "pgbackrest": 8432}, probe{"/live", "/ready", "pgctld-http"}},
		{"etcd", Etcd(etcd), map[string]int32{"client": 2379, "peer": 2380, "metrics": 2381}, probe{"/livez", "/readyz", "metrics"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := map[string]int32{}
			for _, p := range tc.got.Ports {
				got[p.Name] = p.ContainerPort
			}
			if len(got) != len(tc.ports) {
				t.Errorf("ports %v, want %v", got, tc.ports)
			}
			for n, p := range tc.ports {
				if got[n] != p {
					t.Errorf("port %s = %d, want %d", n, got[n], p)
				}
			}
			l, r := tc.got.LivenessProbe.HTTPGet, tc.got.ReadinessProbe.HTTPGet
			if l.Path != tc.probe.live || r.Path != tc.probe.ready || l.Port.StrVal != tc.probe.port || r.Port.StrVal != tc.probe.port {
				t.Errorf("probes live %s:%s ready %s:%s, want %+v", l.Path, l.Port.StrVal, r.Path, r.Port.StrVal, tc.probe)
			}
		})
	}
}

// Every pod the package builds is admitted where the restricted standard is enforced.
func TestPodsAreRestricted(t *testing.T) {
	stateless := Stateless{Image: img, Topo: topo}
	for name, tmpl := range map[string]corev1.PodTemplateSpec{
		"etcd":         PodTemplate(Pod{User: EtcdUser, Containers: []corev1.Container{Etcd(etcd)}}),
		"pool":         PodTemplate(Pod{User: PostgresUser, InitContainers: []corev1.Container{Postgres(pool)}, Containers: []corev1.Container{MultiPooler(pool)}, Volumes: PoolVolumes(pool)}),
		"multigateway": PodTemplate(Pod{User: MultigresUser, Containers: []corev1.Container{MultiGateway(stateless, "a")}}),
		"multiorch":    PodTemplate(Pod{User: MultigresUser, Containers: []corev1.Container{MultiOrch(stateless, "a", []string{"postgres/default"})}}),
		"multiadmin":   PodTemplate(Pod{User: MultigresUser, Containers: []corev1.Container{MultiAdmin(stateless)}}),
	} {
		if v := pss.Violations(&tmpl); len(v) > 0 {
			t.Errorf("%s pod violates the restricted standard: %v", name, v)
		}
	}
	// The check itself can fail: a pod without the security contexts is refused.
	bare := corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "x", Image: "x"}}}}
	if len(pss.Violations(&bare)) == 0 {
		t.Error("a pod without security contexts passed the restricted check")
	}
}

func TestRetentionPolicyDefaultsToRetain(t *testing.T) {
	for _, tc := range []struct {
		in                  *v1beta1.VolumeRetentionPolicy
		whenDeleted, scaled string
	}{
		{nil, "Retain", "Retain"},
		{&v1beta1.VolumeRetentionPolicy{}, "Retain", "Retain"},
		{&v1beta1.VolumeRetentionPolicy{WhenDeleted: v1beta1.DeleteVolume}, "Delete", "Retain"},
		{&v1beta1.VolumeRetentionPolicy{WhenScaled: v1beta1.DeleteVolume}, "Retain", "Delete"},
	} {
		got := RetentionPolicy(tc.in)
		if string(got.WhenDeleted) != tc.whenDeleted || string(got.WhenScaled) != tc.scaled {
			t.Errorf("%+v: got %+v", tc.in, got)
		}
	}
}

// Pods spread over zones and nodes by default; the user's constraints replace the default,
// and one without a selector selects the same pods.
func TestSpread(t *testing.T) {
	selector := map[string]string{"app": "x"}
	own := &metav1.LabelSelector{MatchLabels: map[string]string{"other": "y"}}
	strict := corev1.TopologySpreadConstraint{MaxSkew: 1, TopologyKey: corev1.LabelHostname, WhenUnsatisfiable: corev1.DoNotSchedule}
	withOwn := strict
	withOwn.TopologyKey, withOwn.LabelSelector = "rack", own
	for _, tc := range []struct {
		name     string
		selector map[string]string
		custom   []corev1.TopologySpreadConstraint
		want     []string // topologyKey/whenUnsatisfiable/selector
	}{
		{"no selector, nothing to spread", nil, nil, nil},
		{"default", selector, nil, []string{"topology.kubernetes.io/zone/ScheduleAnyway/app=x", "kubernetes.io/hostname/ScheduleAnyway/app=x"}},
		{"replaced, selector filled in", selector, []corev1.TopologySpreadConstraint{strict}, []string{"kubernetes.io/hostname/DoNotSchedule/app=x"}},
		{"the user's selector kept", selector, []corev1.TopologySpreadConstraint{strict, withOwn},
			[]string{"kubernetes.io/hostname/DoNotSchedule/app=x", "rack/DoNotSchedule/other=y"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, c := range spread(tc.selector, tc.custom) {
				got = append(got, c.TopologyKey+"/"+string(c.WhenUnsatisfiable)+"/"+metav1.FormatLabelSelector(c.LabelSelector))
			}
			if strings.Join(got, " ") != strings.Join(tc.want, " ") {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
	if strict.LabelSelector != nil {
		t.Error("spread changed the user's constraint")
	}
}

// A template's hash is the same for the same template, whatever hash it already carries, and
// another for any change.
func TestStampTemplate(t *testing.T) {
	tmpl := func(cpu string) corev1.PodTemplateSpec {
		return PodTemplate(Pod{User: PostgresUser, Containers: []corev1.Container{{Name: "x", Image: "x",
			Resources: corev1.ResourceRequirements{Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu)}}}}})
	}
	a, b, c := tmpl("1"), tmpl("1"), tmpl("2")
	StampTemplate(&a)
	b.Annotations = map[string]string{names.TemplateAnnotation: "stale"}
	StampTemplate(&b)
	StampTemplate(&c)
	if h := a.Annotations[names.TemplateAnnotation]; h == "" || h != b.Annotations[names.TemplateAnnotation] || h == c.Annotations[names.TemplateAnnotation] {
		t.Errorf("hashes %v %v %v", a.Annotations, b.Annotations, c.Annotations)
	}
}
