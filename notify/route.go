package notify

import (
	"context"
	"errors"
	"fmt"

	"github.com/sostegno/sostegno/guideline"
)

// ErrNoRoute is wrapped, as a permanent failure, by the error of a router
// given a message with a recipient it has no notifier for, or with no
// recipients at all.
var ErrNoRoute = errors.New("notify: no channel for the recipient")

// Channel is a way of reaching a recipient, named by the address it uses.
type Channel string

// The channels of a [Recipient], one per address field.
const (
	// ChannelEmail reaches Recipient.Email.
	ChannelEmail Channel = "email"
	// ChannelPhone reaches Recipient.Phone (a text message or a call).
	ChannelPhone Channel = "phone"
	// ChannelWebhook reaches Recipient.Endpoint.
	ChannelWebhook Channel = "webhook"
)

// Channels returns the channels a recipient can be reached on, in the
// order email, phone, webhook.
func (r Recipient) Channels() []Channel {
	var cs []Channel
	if r.Email != "" {
		cs = append(cs, ChannelEmail)
	}
	if r.Phone != "" {
		cs = append(cs, ChannelPhone)
	}
	if r.Endpoint != "" {
		cs = append(cs, ChannelWebhook)
	}
	return cs
}

// ByChannel returns a Notifier that splits each message by channel: every
// recipient is reached on each of its [Recipient.Channels] that routes has
// a notifier for (an address that can be used is used), and each notifier
// receives one copy of the message whose To lists only its recipients. The
// copies are sent concurrently, as by [FanOut]. A recipient with no usable
// channel fails the whole message with [ErrNoRoute] before anything is
// sent, since a misrouted recipient is a configuration error.
func ByChannel(routes map[Channel]Notifier) Notifier {
	return router[Channel]{routes: routes, keys: Recipient.Channels}
}

// ByRole returns a Notifier that splits each message by the recipients'
// roles, giving each notifier in routes one copy of the message whose To
// lists only the recipients of its role, concurrently as by [FanOut]. A
// recipient whose role has no notifier fails the whole message with
// [ErrNoRoute] before anything is sent.
func ByRole(routes map[guideline.Role]Notifier) Notifier {
	return router[guideline.Role]{routes: routes, keys: func(r Recipient) []guideline.Role {
		return []guideline.Role{r.Role}
	}}
}

type router[K comparable] struct {
	routes map[K]Notifier
	keys   func(Recipient) []K
}

func (r router[K]) Notify(ctx context.Context, m Message) error {
	if len(m.To) == 0 {
		return Permanent(fmt.Errorf("%w: the message has no recipients", ErrNoRoute))
	}
	var order []K
	groups := map[K][]Recipient{}
	for i, rc := range m.To {
		routed := false
		for _, k := range r.keys(rc) {
			if r.routes[k] == nil {
				continue
			}
			if _, ok := groups[k]; !ok {
				order = append(order, k)
			}
			groups[k] = append(groups[k], rc)
			routed = true
		}
		if !routed {
			// The recipient is named by position and role, never by address.
			return Permanent(fmt.Errorf("%w: recipient %d (%s)", ErrNoRoute, i, rc.Role))
		}
	}
	ns := make([]Notifier, len(order))
	for i, k := range order {
		ns[i] = r.routes[k]
	}
	return multi(fanOutMessages(ctx, ns, func(i int) Message {
		c := m
		c.To = groups[order[i]]
		return c
	}))
}
