package podrun

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// checkProbes refuses the probes this runner cannot run, before anything starts.
func checkProbes(c *corev1.Container) error {
	for _, p := range []*corev1.Probe{c.StartupProbe, c.LivenessProbe, c.ReadinessProbe} {
		if p != nil && p.HTTPGet == nil && p.TCPSocket == nil {
			return fmt.Errorf("container %s: only httpGet and tcpSocket probes can be run", c.Name)
		}
	}
	return nil
}

// probe runs one probe against the pod's IP, as the kubelet does from its node.
func (r *Runner) probe(ctx context.Context, ip string, c *corev1.Container, p *corev1.Probe) error {
	timeout := time.Duration(max(p.TimeoutSeconds, 1)) * time.Second
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if p.TCPSocket != nil {
		port, err := containerPort(c, p.TCPSocket.Port)
		if err != nil {
			return err
		}
		conn, err := r.Dial(ctx, "tcp", net.JoinHostPort(ip, port))
		if err != nil {
			return err
		}
		return conn.Close()
	}
	g := p.HTTPGet
	port, err := containerPort(c, g.Port)
	if err != nil {
		return err
	}
	host := ip
	if g.Host != "" {
		host = g.Host
	}
	scheme := "http"
	if g.Scheme == corev1.URISchemeHTTPS {
		scheme = "https"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, scheme+"://"+net.JoinHostPort(host, port)+g.Path, nil)
	if err != nil {
		return err
	}
	for _, h := range g.HTTPHeaders {
		req.Header.Add(h.Name, h.Value)
	}
	resp, err := r.HTTPClient().Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode >= 400 {
		return fmt.Errorf("HTTP %d from %s", resp.StatusCode, g.Path)
	}
	return nil
}

// HTTPClient makes requests from the pods' network.
func (r *Runner) HTTPClient() *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: r.Dial, DisableKeepAlives: true}}
}

func containerPort(c *corev1.Container, port intstr.IntOrString) (string, error) {
	if port.Type == intstr.Int {
		return strconv.Itoa(port.IntValue()), nil
	}
	for _, p := range c.Ports {
		if p.Name == port.StrVal {
			return strconv.Itoa(int(p.ContainerPort)), nil
		}
	}
	return "", fmt.Errorf("container %s has no port named %q", c.Name, port.StrVal)
}

// probeLoop runs p every period and reports each change of its result (after successThreshold
// successes or failureThreshold failures in a row) until ctx ends.
func (r *Runner) probeLoop(ctx context.Context, ip string, c *corev1.Container, p *corev1.Probe, changed func(ok bool, err error)) {
	period := time.Duration(max(p.PeriodSeconds, 1)) * time.Second
	success, failure := max(p.SuccessThreshold, 1), max(p.FailureThreshold, 1)
	if !sleep(ctx, time.Duration(p.InitialDelaySeconds)*time.Second) {
		return
	}
	var state *bool
	var ok, failed int32
	for {
		err := r.probe(ctx, ip, c, p)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			ok, failed = ok+1, 0
		} else {
			ok, failed = 0, failed+1
		}
		if ok >= success && (state == nil || !*state) {
			state = ptrTo(true)
			changed(true, nil)
		}
		if failed >= failure && (state == nil || *state) {
			state = ptrTo(false)
			changed(false, err)
		}
		if !sleep(ctx, period) {
			return
		}
	}
}

func ptrTo[T any](v T) *T { return &v }

// sleep waits d or until ctx ends; it says whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
