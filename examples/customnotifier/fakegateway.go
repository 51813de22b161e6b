package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
)

// This file is the stand-in for the real gateway that the demo and the
// tests talk to; an integrator does not copy it into production code.

// behaviour is how the fake gateway answers.
type behaviour int

const (
	// accept takes every message in charge.
	accept behaviour = iota
	// reject refuses every message with 422, echoing it in the body as
	// careless gateways do.
	reject
	// unavailable answers 503 with Retry-After: 2, echoing the message.
	unavailable
	// stall never answers: it waits for the client to go away.
	stall
)

// received is a message the fake gateway took in charge.
type received struct {
	Key      string
	To       []string
	Priority string
	Subject  string
	Text     string
}

// fakeGateway implements the gateway's API (see gateway.go) in memory. It
// de-duplicates by Idempotency-Key, as the real one does.
type fakeGateway struct {
	token     string
	behaviour behaviour
	// failFirst is how many requests are answered 503, without
	// Retry-After, before the gateway behaves as behaviour says.
	failFirst int
	// stop ends the waits of stall, so that closing the server does not
	// hang; close it before closing the server.
	stop chan struct{}

	mu       sync.Mutex
	requests int
	keys     []string // the Idempotency-Key of every request
	got      []received
}

func newFakeGateway(token string, b behaviour) *fakeGateway {
	return &fakeGateway{token: token, behaviour: b, stop: make(chan struct{})}
}

func (g *fakeGateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+g.token {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	// Read the body to the end first: only then does the server notice a
	// client that goes away, and cancel r.Context().
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
	if err != nil {
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	}
	g.mu.Lock()
	g.requests++
	n := g.requests
	g.keys = append(g.keys, r.Header.Get("Idempotency-Key"))
	g.mu.Unlock()
	switch {
	case n <= g.failFirst:
		http.Error(w, "temporarily overloaded", http.StatusServiceUnavailable)
		return
	case g.behaviour == stall:
		select {
		case <-r.Context().Done():
		case <-g.stop:
		}
		// Never answer: returning would send an implicit 200.
		panic(http.ErrAbortHandler)
	case g.behaviour == reject:
		http.Error(w, "invalid message: "+string(body), http.StatusUnprocessableEntity)
		return
	case g.behaviour == unavailable:
		w.Header().Set("Retry-After", "2")
		http.Error(w, "cannot send now: "+string(body), http.StatusServiceUnavailable)
		return
	}
	var req gatewayRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil || req.Reference == "" || len(req.To) == 0 ||
		req.Reference != r.Header.Get("Idempotency-Key") {
		http.Error(w, "malformed request", http.StatusBadRequest)
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	status := http.StatusAccepted
	if slices.ContainsFunc(g.got, func(m received) bool { return m.Key == req.Reference }) {
		status = http.StatusOK // already taken in charge: not sent again
	} else {
		g.got = append(g.got, received{Key: req.Reference, To: req.To, Priority: req.Priority, Subject: req.Subject, Text: req.Text})
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, "{\"id\":%q}\n", "msg-"+req.Reference)
}

// messages returns what the gateway took in charge, in order.
func (g *fakeGateway) messages() []received {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.got)
}

// attempts returns the number of requests the gateway answered.
func (g *fakeGateway) attempts() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.requests
}

// requestKeys returns the Idempotency-Key of every request, in order.
func (g *fakeGateway) requestKeys() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.keys)
}
