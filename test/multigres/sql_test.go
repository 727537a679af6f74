package multigres

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/multigres/multigres-operator/internal/components"
	"github.com/multigres/multigres-operator/internal/podrun"
	"github.com/multigres/multigres-operator/internal/resolve"
)

// servesSQL checks, each with a bounded wait, what a user expects of the running cluster.
func servesSQL(t *testing.T, r *podrun.Runner, tr tree, running map[string]*podrun.Pod) {
	ctx := context.Background()
	of := func(pods []corev1.Pod) []*podrun.Pod {
		var out []*podrun.Pod
		for _, p := range pods {
			out = append(out, running[p.Name])
		}
		return out
	}
	registration := of(tr.component(components.ComponentTopoRegistration))
	pool := tr.component(resolve.ComponentShardPool)
	gateways := tr.component(resolve.ComponentMultiGateway)
	admins := tr.component(resolve.ComponentMultiAdmin)
	user, password := credentials(t, pool[0])

	eventually(t, "the registration Job to exit 0", 2*time.Minute, r, registration, func() error {
		for _, p := range registration {
			if p.Phase() != corev1.PodSucceeded {
				return fmt.Errorf("pod %s is %s", p.Name(), p.Phase())
			}
		}
		return nil
	})
	eventually(t, "every pool pod to be Ready", 4*time.Minute, r, of(pool), func() error {
		for _, p := range of(pool) {
			if !p.Ready() {
				return fmt.Errorf("pod %s is not Ready", p)
			}
		}
		return nil
	})
	for _, gw := range gateways {
		eventually(t, "SELECT 1 through multigateway "+gw.Name, 3*time.Minute, r, of(append(gateways, pool...)), func() error {
			return query(ctx, r, gw.Status.PodIP, user, password, func(c *pgx.Conn) error {
				var one int
				return c.QueryRow(ctx, "SELECT 1").Scan(&one)
			})
		})
	}
	eventually(t, "a table written and read back through "+gateways[0].Name, time.Minute, r, of(append(gateways, pool...)), func() error {
		return query(ctx, r, gateways[0].Status.PodIP, user, password, func(c *pgx.Conn) error {
			if _, err := c.Exec(ctx, "CREATE TABLE IF NOT EXISTS podrun_check (id int PRIMARY KEY, note text)"); err != nil {
				return err
			}
			if _, err := c.Exec(ctx, "INSERT INTO podrun_check VALUES (1, 'kept') ON CONFLICT (id) DO UPDATE SET note = excluded.note"); err != nil {
				return err
			}
			var note string
			if err := c.QueryRow(ctx, "SELECT note FROM podrun_check WHERE id = 1").Scan(&note); err != nil {
				return err
			}
			if note != "kept" {
				return fmt.Errorf("read back %q, wrote %q", note, "kept")
			}
			return nil
		})
	})
	eventually(t, "every standby streaming from the primary", 2*time.Minute, r, of(pool), func() error {
		return streaming(ctx, r, pool, user, password)
	})
	eventually(t, "multiadmin's API to list the cells", time.Minute, r, of(admins), func() error {
		var cells struct{ Names []string }
		url := "http://" + net.JoinHostPort(admins[0].Status.PodIP, fmt.Sprint(components.MultiAdminHTTPPort)) + "/api/v1/cells"
		if err := getJSON(r, http.MethodGet, url, nil, &cells); err != nil {
			return err
		}
		if strings.Join(cells.Names, ",") != "zone-a,zone-b" && strings.Join(cells.Names, ",") != "zone-b,zone-a" {
			return fmt.Errorf("multiadmin lists cells %v, want zone-a and zone-b", cells.Names)
		}
		return nil
	})
}

// streaming says why not every other pool pod streams from the one primary, or nil.
func streaming(ctx context.Context, r *podrun.Runner, pool []corev1.Pod, user, password string) error {
	var primaries []string
	var standbys int64
	for _, p := range pool {
		err := query(ctx, r, p.Status.PodIP, user, password, func(c *pgx.Conn) error {
			var recovering bool
			if err := c.QueryRow(ctx, "SELECT pg_is_in_recovery()").Scan(&recovering); err != nil {
				return err
			}
			if !recovering {
				primaries = append(primaries, p.Name)
				return c.QueryRow(ctx, "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'").Scan(&standbys)
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("postgres in %s: %w", p.Name, err)
		}
	}
	if len(primaries) != 1 {
		return fmt.Errorf("want one primary, have %v", primaries)
	}
	if standbys != int64(len(pool)-1) {
		return fmt.Errorf("primary %s has %d standbys streaming, want %d", primaries[0], standbys, len(pool)-1)
	}
	return nil
}

// query connects to Postgres's port on ip (a gateway or a pool pod) as user and runs f.
func query(ctx context.Context, r *podrun.Runner, ip, user, password string, f func(*pgx.Conn) error) error {
	cfg, err := pgx.ParseConfig(fmt.Sprintf("postgres://%s@%s/postgres?sslmode=disable&connect_timeout=5", user, net.JoinHostPort(ip, fmt.Sprint(components.PostgresPort))))
	if err != nil {
		return err
	}
	cfg.Password = password
	cfg.DialFunc = r.Dial
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	return f(c)
}

// credentials reads the Postgres user and password the pool pods use, from their Secret.
func credentials(t *testing.T, pod corev1.Pod) (string, string) {
	t.Helper()
	for _, c := range pod.Spec.Containers {
		for _, e := range c.Env {
			if e.Name == "POSTGRES_USER" && e.ValueFrom != nil && e.ValueFrom.SecretKeyRef != nil {
				var s corev1.Secret
				if err := k8s.Get(context.Background(), client.ObjectKey{Namespace: namespace, Name: e.ValueFrom.SecretKeyRef.Name}, &s); err != nil {
					t.Fatal(err)
				}
				return string(s.Data[components.SecretKeyUsername]), string(s.Data[components.SecretKeyPassword])
			}
		}
	}
	t.Fatalf("pod %s has no POSTGRES_USER from a Secret", pod.Name)
	return "", ""
}
