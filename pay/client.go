package pay

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ottpay-toolkit/ottpay/codec"
	"github.com/ottpay-toolkit/ottpay/codec/catalog"
)

// ProductionURL is the documented endpoint every envelope action is POSTed
// to. OTT Pay has no test endpoint: requests sent here are real
// transactions.
const ProductionURL = "https://frontapi.ottpay.com:443/processV2"

// DefaultTimeout bounds a whole HTTP exchange of the default HTTP client.
const DefaultTimeout = 30 * time.Second

// Default retry policy of query actions (see WithQueryRetries).
const (
	DefaultQueryRetries = 2
	DefaultQueryBackoff = 200 * time.Millisecond
	maxBackoff          = 5 * time.Second
)

// Client sends requests to OTT Pay for one merchant. It is safe for
// concurrent use.
type Client struct {
	merchantID string
	signKey    string
	url        string
	http       *http.Client
	operatorID string
	shopID     string
	rule       codec.Rule
	observe    func(Exchange)
	retries    int
	backoff    time.Duration
	actions    map[string]*actionInfo // by catalog ID, "NAME/variant"
	byName     map[string]*actionInfo // first variant of each action name
}

// Exchange is one HTTP attempt as an observer sees it: the sealed request
// envelope and the response body exactly as they crossed the wire. It never
// holds the sign key; the transaction data inside is encrypted.
type Exchange struct {
	Action, Version string
	URL             string
	Attempt         int    // 1 for the first attempt of a call
	Request         []byte // the request body sent
	Response        []byte // the response body read, nil if none
	Status          int    // the HTTP status, 0 if no response
	Duration        time.Duration
	Err             error // the transport error, nil if a response arrived
}

// Option configures a Client.
type Option func(*Client) error

// WithURL sets the full URL requests are POSTed to (default ProductionURL),
// e.g. a sandbox's processV2 endpoint. It must be an absolute http or https
// URL.
func WithURL(u string) Option {
	return func(c *Client) error {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			return errors.New("pay: WithURL needs an absolute http:// or https:// URL, got " + codec.Quote(u, 80))
		}
		c.url = u
		return nil
	}
}

// WithHTTPClient sets the HTTP client. Give it a finite Timeout, or use
// contexts with deadlines: a payment call can otherwise wait forever.
func WithHTTPClient(h *http.Client) Option {
	return func(c *Client) error {
		if h == nil {
			return errors.New("pay: WithHTTPClient needs a non-nil *http.Client")
		}
		c.http = h
		return nil
	}
}

// WithOperatorID sets the operator id filled into the data of every action
// that has an operator_id field the caller left empty.
func WithOperatorID(id string) Option {
	return func(c *Client) error { c.operatorID = id; return nil }
}

// WithShopID sets the shop id filled into the data of every action that has
// a shop_id (shopId) field the caller left empty.
func WithShopID(id string) Option {
	return func(c *Client) error { c.shopID = id; return nil }
}

// WithRule sets the sender rule requests are sealed with (default
// codec.RuleStrings, the documented scheme, which accepts string values
// only).
func WithRule(r codec.Rule) Option {
	return func(c *Client) error {
		p, err := codec.ParseRule(string(r))
		if err != nil {
			return errors.New("pay: WithRule: " + err.Error())
		}
		c.rule = p
		return nil
	}
}

// WithObserver sets a function called after every HTTP attempt with the
// sealed envelopes that went out and came back, for logging or tracing. It
// runs on the calling goroutine, and gets its own copies of the bodies.
func WithObserver(f func(Exchange)) Option {
	return func(c *Client) error { c.observe = f; return nil }
}

// WithQueryRetries sets how often a query action (one that moves no money:
// STATUS_QUERY, PREPAY_QUERY, CC_QUERYPAY, EX_RATE_QUERY) is sent again
// after a connection error or a 5xx status: at most n more times, waiting
// backoff, then twice as long each time (at most 5 s), with jitter. Nothing
// is retried once the context ends. Money-moving actions are never retried:
// OTT Pay has no idempotency key. Default: 2 retries, 200 ms.
func WithQueryRetries(n int, backoff time.Duration) Option {
	return func(c *Client) error {
		if n < 0 || backoff < 0 {
			return errors.New("pay: WithQueryRetries needs n >= 0 and backoff >= 0")
		}
		c.retries, c.backoff = n, backoff
		return nil
	}
}

// NewClient returns a client for one merchant and its sign key. Defaults:
// ProductionURL, an HTTP client with DefaultTimeout that follows no
// redirects (never http.DefaultClient), codec.RuleStrings,
// DefaultQueryRetries.
func NewClient(merchantID, signKey string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(merchantID) == "" {
		return nil, errors.New("pay: NewClient needs a merchant id")
	}
	if signKey == "" {
		return nil, &codec.Error{Layer: codec.LayerKey, Err: codec.ErrEmptySignKey,
			What: "the sign key is empty", Hint: "pass the merchant's sign key from OTT Pay"}
	}
	c := &Client{
		merchantID: merchantID,
		signKey:    signKey,
		url:        ProductionURL,
		http:       defaultHTTPClient(),
		rule:       codec.RuleStrings,
		retries:    DefaultQueryRetries,
		backoff:    DefaultQueryBackoff,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(c); err != nil {
			return nil, err
		}
	}
	all := catalog.Actions()
	c.actions = make(map[string]*actionInfo, len(all))
	c.byName = make(map[string]*actionInfo, len(all))
	for i := range all {
		info := newActionInfo(all[i])
		c.actions[all[i].ID()] = info
		if _, ok := c.byName[all[i].Name]; !ok {
			c.byName[all[i].Name] = info
		}
	}
	return c, nil
}

// defaultHTTPClient has a finite timeout and follows no redirect: Go's
// client would turn a 301 or 302 of a payment POST into a GET, and a 307
// would send the payment to another place. A redirect is an HTTP status
// error instead.
func defaultHTTPClient() *http.Client {
	return &http.Client{
		Timeout:       DefaultTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// MerchantID returns the merchant id the client sends.
func (c *Client) MerchantID() string { return c.merchantID }

// URL returns the URL requests are POSTed to.
func (c *Client) URL() string { return c.url }

// HTTPClient returns the HTTP client requests go through.
func (c *Client) HTTPClient() *http.Client { return c.http }
