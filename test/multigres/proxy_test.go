package multigres

import (
	"context"
	"io"
	"maps"
	"net"
	"net/http"
	"sync/atomic"

	"github.com/multigres/multigres-operator/internal/podrun"
)

// podProxy lets the operator, a process on this host, reach the pods' Services by name as it
// would from a cluster's pod network: it is the operator's HTTPS_PROXY and HTTP_PROXY (gRPC and
// Go's HTTP clients honour them, and leave loopback addresses such as the API server's alone),
// and it connects each CONNECT, and forwards each plain HTTP request, to the address the
// current runner's pods resolve the host to.
type podProxy struct {
	runner   atomic.Pointer[podrun.Runner]
	listener net.Listener
}

// startPodProxy serves on a loopback port until the process ends.
func startPodProxy() (*podProxy, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &podProxy{listener: l}
	go func() { _ = http.Serve(l, p) }()
	return p, nil
}

// URL is the proxy's address, for HTTPS_PROXY and HTTP_PROXY.
func (p *podProxy) URL() string { return "http://" + p.listener.Addr().String() }

func (p *podProxy) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r := p.runner.Load()
	host, port, err := net.SplitHostPort(req.Host)
	if r == nil || err != nil {
		http.Error(w, "only to a pod's or Service's name and port, while pods run", http.StatusBadRequest)
		return
	}
	ip, ok := r.Resolve(host)
	if !ok {
		http.Error(w, host+" does not resolve in the pods' network", http.StatusBadGateway)
		return
	}
	address := net.JoinHostPort(ip, port)
	if req.Method != http.MethodConnect {
		forward(w, req, r, address)
		return
	}
	upstream, err := r.Dial(req.Context(), "tcp", address)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	conn, buffered, err := http.NewResponseController(w).Hijack()
	if err != nil {
		upstream.Close()
		return
	}
	_, _ = conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
	ctx, cancel := context.WithCancel(context.Background())
	go func() { _, _ = io.Copy(upstream, buffered); cancel() }()
	go func() { _, _ = io.Copy(conn, upstream); cancel() }()
	<-ctx.Done()
	conn.Close()
	upstream.Close()
}

// forward sends a plain HTTP request (as HTTP_PROXY hands it over) to address in the pods'
// network and copies the answer back.
func forward(w http.ResponseWriter, req *http.Request, r *podrun.Runner, address string) {
	transport := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return r.Dial(ctx, network, address)
	}}
	defer transport.CloseIdleConnections()
	out := req.Clone(req.Context())
	out.RequestURI = ""
	resp, err := transport.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	maps.Copy(w.Header(), resp.Header)
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}
