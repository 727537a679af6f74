package selfcert

import (
	"net"
	"strings"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	now := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	hosts := ServiceHosts("svc", "ns", "127.0.0.1")
	b, err := Generate(hosts, now, 365*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	other, err := Generate(hosts, now, 365*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	mixed := *b
	mixed.CACert = other.CACert

	for _, tc := range []struct {
		name    string
		bundle  *Bundle
		hosts   Hosts
		at      time.Time
		wantErr string
	}{
		{"fresh", b, hosts, now, ""},
		{"covers the service and the extra IP", b, Hosts{DNSNames: []string{"svc.ns.svc", "svc.ns.svc.cluster.local"}, IPs: []net.IP{net.ParseIP("127.0.0.1")}}, now, ""},
		{"inside the renewal window", b, hosts, now.Add(340 * 24 * time.Hour), "expires at"},
		{"expired", b, hosts, now.Add(400 * 24 * time.Hour), "expires at"},
		{"a host it does not cover", b, ServiceHosts("other", "ns", ""), now, `does not cover "other.ns.svc"`},
		{"an IP it does not cover", b, Hosts{IPs: []net.IP{net.ParseIP("10.0.0.1")}}, now, "does not cover 10.0.0.1"},
		{"signed by another CA", &mixed, hosts, now, "not signed by the CA"},
		{"empty", &Bundle{}, hosts, now, "no serving certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.bundle.Check(tc.hosts, tc.at, 30*24*time.Hour)
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("want an error containing %q, got %v", tc.wantErr, err)
			}
		})
	}
}

func TestServiceHosts(t *testing.T) {
	h := ServiceHosts("webhook", "system", "localhost")
	want := []string{"webhook.system.svc", "webhook.system.svc.cluster.local", "localhost"}
	if strings.Join(h.DNSNames, ",") != strings.Join(want, ",") || len(h.IPs) != 0 {
		t.Fatalf("got %+v", h)
	}
}
