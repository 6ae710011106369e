// Package wire builds Laurel on an open database: the stores, the issuing
// service, the recognition engine, the verifier and the services the HTTP
// API calls. It is the one place where they are put together, for the
// laurel command and for every test that needs a whole Laurel.
package wire

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/laurel-badges/laurel/api"
	"github.com/laurel-badges/laurel/api/mail"
	"github.com/laurel-badges/laurel/badges"
	"github.com/laurel-badges/laurel/badges/database"
	bmongo "github.com/laurel-badges/laurel/badges/mongodb"
	"github.com/laurel-badges/laurel/issuer"
	imongo "github.com/laurel-badges/laurel/issuer/mongodb"
	"github.com/laurel-badges/laurel/issuer/ob3"
	"github.com/laurel-badges/laurel/verifier"
)

// Config is what Laurel needs besides its database.
type Config struct {
	BaseURL string         // the public origin every URL and credential id is under
	Sealer  *issuer.Sealer // seals signing keys at rest; required
	// Loader resolves JSON-LD contexts from the embedded copies; nil makes
	// a new one. Making one processes every context, so tests share one.
	Loader *ob3.DocumentLoader
	// Fetcher is the verifier's way to the network; nil verifies offline.
	Fetcher *verifier.Fetcher
	Logger  *slog.Logger // nil means slog.Default()
	// PasswordParams are the costs of new console password hashes; zero
	// means badges.DefaultPasswordParams. Tests use cheap ones.
	PasswordParams badges.PasswordParams
	// Mail hands the outbox's messages to the mail server; nil keeps them
	// in the outbox, held, for admins to read.
	Mail badges.Sender
	// Composer makes messages from notifications; nil uses the
	// communities' templates (mail.Composer).
	Composer badges.Composer
	// Notifier queues every message Laurel sends (awards, sign-in and
	// check-in links, decisions, endorsements, nudges); nil queues them
	// in the outbox.
	Notifier badges.Notifier
	// Events receives the events that what Laurel does causes (awards,
	// members added, nominations…); nil drops them until Laurel.Events
	// is told which publisher to use.
	Events badges.EventPublisher
	// Webhooks POSTs the webhook outbox's deliveries; nil keeps them
	// queued.
	Webhooks badges.WebhookSender
	// Describer names and links what an event is about, for its
	// deliveries; Formatter words events for chat channels. nil fields
	// take Laurel's own.
	Describer badges.EventDescriber
	Formatter badges.EventFormatter
}

// Stores are the stores of one database.
type Stores struct {
	Profiles     *imongo.ProfileService
	Keys         *imongo.KeyStore
	Credentials  *imongo.CredentialStore
	HolderCopies *imongo.HolderCopyStore
	Exchanges    *imongo.ExchangeStore
	Wallets      *imongo.WalletStore // the OID4VCI flow's codes, tokens and spent nonces
	Status       *imongo.StatusStore
	Showcases    *imongo.ShowcaseStore
	Achievements *bmongo.AchievementService
	Members      *bmongo.MemberService
	APIKeys      *bmongo.APIKeyService
	Images       *bmongo.ImageStore
	Behaviours   *bmongo.BehaviourStore
	Rules        *bmongo.RuleStore
	Activities   *bmongo.ActivityStore
	Batches      *bmongo.BatchStore
	Records      *bmongo.RecordStore
	Queue        *bmongo.QueueStore
	Nominations  *bmongo.NominationStore
	Pins         *bmongo.PinStore
	Stats        *bmongo.StatsStore
	Cohorts      *bmongo.CohortStore
	Outcomes     *bmongo.OutcomeStore
	Measures     *bmongo.MeasureStore
	Reviews      *bmongo.ReviewStore
	Claims       *database.DB // key documents: idempotency keys, holds on badges

	Reevaluations *bmongo.ReevaluationStore
	Jobs          *bmongo.JobStore
	Accounts      *bmongo.AccountStores // the console's people, sessions and sign-in limits
	Messages      *bmongo.MessageStore  // the e-mail outbox
	CheckIns      *bmongo.CheckInStore
	Portal        *bmongo.MemberSessionStore

	MailTemplates *bmongo.MailTemplateStore
	MailOptOuts   *bmongo.MailOptOutStore

	LeaderDays *bmongo.LeaderDayStore
	Nudges     *bmongo.NudgeStore

	Webhooks *bmongo.WebhookStore // endpoints and the webhook outbox
	Sources  *bmongo.SourceStore
}

// NewStores returns the stores of db.
func NewStores(db *database.DB) *Stores {
	images := bmongo.NewImageStore(db)
	return &Stores{
		Profiles:     imongo.NewProfileService(db, images),
		Keys:         imongo.NewKeyStore(db),
		Credentials:  imongo.NewCredentialStore(db),
		Status:       imongo.NewStatusStore(db),
		Showcases:    imongo.NewShowcaseStore(db),
		HolderCopies: imongo.NewHolderCopyStore(db),
		Exchanges:    imongo.NewExchangeStore(db),
		Wallets:      imongo.NewWalletStore(db),
		Achievements: bmongo.NewAchievementService(db),
		Members:      bmongo.NewMemberService(db),
		APIKeys:      bmongo.NewAPIKeyService(db),
		Images:       images,
		Behaviours:   bmongo.NewBehaviourStore(db),
		Rules:        bmongo.NewRuleStore(db),
		Activities:   bmongo.NewActivityStore(db),
		Batches:      bmongo.NewBatchStore(db),
		Records:      bmongo.NewRecordStore(db),
		Queue:        bmongo.NewQueueStore(db),
		Nominations:  bmongo.NewNominationStore(db),
		Pins:         bmongo.NewPinStore(db),
		Stats:        bmongo.NewStatsStore(db),
		Cohorts:      bmongo.NewCohortStore(db),
		Outcomes:     bmongo.NewOutcomeStore(db),
		Measures:     bmongo.NewMeasureStore(db),
		Reviews:      bmongo.NewReviewStore(db),
		Claims:       db,

		Reevaluations: bmongo.NewReevaluationStore(db),
		Jobs:          bmongo.NewJobStore(db),
		Accounts:      bmongo.NewAccountStores(db),
		Messages:      bmongo.NewMessageStore(db),
		CheckIns:      bmongo.NewCheckInStore(db),
		Portal:        bmongo.NewMemberSessionStore(db),

		MailTemplates: bmongo.NewMailTemplateStore(db),
		MailOptOuts:   bmongo.NewMailOptOutStore(db),

		LeaderDays: bmongo.NewLeaderDayStore(db),
		Nudges:     bmongo.NewNudgeStore(db),

		Webhooks: bmongo.NewWebhookStore(db),
		Sources:  bmongo.NewSourceStore(db),
	}
}

// Laurel is Laurel built on one database.
type Laurel struct {
	DB          *database.DB
	Stores      *Stores
	URLs        issuer.URLs
	Loader      *ob3.DocumentLoader
	Issuing     *issuer.Service
	Awarder     *badges.Awarder
	Nominations *badges.Nominations
	Spotlight   *badges.Spotlight
	Previewer   *badges.Previewer
	Cohorts     *badges.Cohorts
	Outcomes    *badges.Outcomes
	Measures    *badges.Measures
	Corrections *badges.Corrections
	Reevaluator *badges.Reevaluator
	Jobs        *badges.Jobs
	Verifier    *verifier.Verifier
	Accounts    *badges.Accounts       // the console's people and sign-in
	Outbox      *badges.Outbox         // e-mail: pass it as the badges.Notifier of whatever causes a message
	Notifier    badges.Notifier        // where every message is queued: the Outbox, unless Config named another
	Portal      *badges.MemberSessions // members' sign-in links and sessions
	CheckIns    *badges.CheckIns       // check-ins of live sessions; its Notifier e-mails their links
	ClaimLinks  *issuer.LinkSigner     // signs and checks the links of claim pages
	Exchanges   *issuer.Exchanges      // VC-API exchanges of wallets

	MailTemplates *badges.MailTemplates // communities' wording of their e-mail
	Composer      *mail.Composer        // e-mail from notifications, previews, unsubscribe links

	Applications *badges.Applications // members' applications, in the nominations' queue
	Leaders      *badges.Leaders      // leaders endorsing and nominating from the portal
	MemberData   *issuer.MemberDataSources
	Forgetter    *badges.Forgetter
	Nudges       *badges.Nudges // the weekly progress e-mail members opt into

	// Events is the publisher every service that causes events was given
	// (events.go): Events.Use connects it to the webhook outbox.
	Events *EventRelay
	// Members and Achievements are the stores' members and badges as the
	// services use them: adding a member or activating a badge publishes
	// its event.
	Members      *badges.EventingMembers
	Achievements *badges.EventingAchievements
	Describer    *issuer.EventDescriber // describes events for delivery
	Webhooks     *badges.Webhooks       // communities' endpoints and the webhook outbox: the events' publisher
	Sources      *badges.Sources        // tools activity comes in from
	OID4VCI      *issuer.OID4VCI        // wallets' credential offers (OpenID for Verifiable Credential Issuance)
}

// New builds Laurel on db.
func New(db *database.DB, c Config) (*Laurel, error) {
	if c.Sealer == nil {
		return nil, errors.New("wire: a sealer for signing keys is required")
	}
	urls, err := issuer.NewURLs(c.BaseURL)
	if err != nil {
		return nil, err
	}
	if c.Loader == nil {
		if c.Loader, err = ob3.NewDocumentLoader(); err != nil {
			return nil, err
		}
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	st := NewStores(db)
	if err := st.PrepareIndexes(context.Background()); err != nil {
		return nil, err
	}
	l := &Laurel{DB: db, Stores: st, URLs: urls, Loader: c.Loader}
	if err := l.newMail(&c); err != nil {
		return nil, err
	}
	l.newEvents(&c)
	deps := IssuingDeps(st, c.Sealer, urls, c.Loader)
	deps.Notifier, deps.Report, deps.Events, deps.Members = c.Notifier, LogNotices(c.Logger), l.Events, l.Members
	l.Issuing, l.ClaimLinks = issuer.NewService(deps), deps.ClaimLinks
	l.Awarder = NewAwarder(st, l.Issuing, c.Logger)
	a := l.Awarder
	a.Members, a.Events = l.Members, l.Events // members added by activity; endorsements
	l.Nominations = badges.NewNominations(st.Nominations, a)
	l.Nominations.Events = l.Events
	l.Nominations.CredentialURL, l.Nominations.Notifier = urls.Credential, c.Notifier // nominees and applicants hear of decisions
	l.Applications = badges.NewApplications(l.Nominations)
	a.Notifier, a.BaseURL = c.Notifier, urls.Base() // endorsements tell members
	l.Leaders = &badges.Leaders{Awarder: a, Nominations: l.Nominations, Days: st.LeaderDays}
	l.Spotlight = badges.NewSpotlight(st.Pins, st.Members, a.Now)
	l.Previewer = badges.NewPreviewer(a.Catalogue, st.Members, st.Records, a.Holdings, a.Revoked, a.Now)
	l.Cohorts = a.Cohorts()
	l.Outcomes = badges.NewOutcomes(st.Outcomes, st.Achievements, a.Catalogue.Behaviours, a.Now)
	l.Measures = badges.NewMeasures(badges.MeasureDeps{Store: st.Measures, Stats: st.Stats, Member: st.Members.Member,
		MemberNames: st.Members.MemberNames, Behaviours: a.Catalogue.Behaviours, Achievement: st.Achievements.Achievement, Cohort: l.Cohorts.Resolve, Now: a.Now,
		Events: l.Events})
	l.newDescriber()
	l.Corrections = badges.NewCorrections(st.Reviews, a, l.Issuing.CredentialsFunc(), l.Issuing.RevokeFunc())
	l.Reevaluator = badges.NewReevaluator(a, st.Reevaluations)
	l.Jobs = badges.NewJobs(badges.JobDeps{Store: st.Jobs, Members: l.Members, Cohorts: l.Cohorts, Awarder: a,
		Awards: AwardRows(l.Issuing), Now: a.Now})
	l.Accounts = badges.NewAccounts(badges.AccountsDeps{Store: st.Accounts.Accounts, Sessions: st.Accounts.Sessions, Limits: st.Accounts.Limits, Now: a.Now,
		PasswordParams: c.PasswordParams})
	l.CheckIns = &badges.CheckIns{Store: st.CheckIns, Members: l.Members, Recorder: a, Behaviours: a.Catalogue.Behaviours,
		Limits: st.Accounts.Limits, LinkURL: api.CheckInLinkURL(urls.Base()), Notifier: c.Notifier, Now: a.Now}
	l.Portal = NewMemberSessions(st, a.Now)
	l.MemberData = &issuer.MemberDataSources{Issuing: l.Issuing, Members: st.Members, Activities: st.Activities, Records: st.Records,
		Nominations: st.Nominations, Cohorts: l.Cohorts, Now: a.Now}
	l.Forgetter = badges.NewForgetter(a, st.Members, st.Activities, st.Nominations)
	l.Forgetter.WalletCopies = st.HolderCopies
	l.Nudges = badges.NewNudges(st.Nudges, a, a.Now)
	l.Nudges.Notifier, l.Nudges.PortalURL = c.Notifier, func(string) string { return urls.Base() + "/me/progress" }
	l.newWebhooks(&c)
	l.Sources = &badges.Sources{Store: st.Sources, Recorder: a, Members: l.Members, Behaviours: a.Catalogue.Behaviours, Now: a.Now}
	l.OID4VCI = issuer.NewOID4VCI(l.Issuing, st.Wallets, verifier.KeyProofs{}, c.Sealer.LinkSigner("oid4vci-nonce"), st.Accounts.Limits)
	l.Verifier, err = verifier.New(verifier.Options{Loader: c.Loader, Local: l.Issuing, Fetcher: c.Fetcher})
	if err != nil {
		return nil, err
	}
	l.Exchanges = issuer.NewExchanges(issuer.ExchangeDeps{Store: st.Exchanges, Issuing: l.Issuing, Checker: l.Verifier, URLs: urls})
	return l, nil
}

// NewIssuing returns the issuing service on the stores.
func NewIssuing(st *Stores, sealer *issuer.Sealer, urls issuer.URLs, loader *ob3.DocumentLoader) *issuer.Service {
	return issuer.NewService(IssuingDeps(st, sealer, urls, loader))
}

// IssuingDeps are the issuing service's dependencies over st, for tests
// that swap one of them.
func IssuingDeps(st *Stores, sealer *issuer.Sealer, urls issuer.URLs, loader *ob3.DocumentLoader) issuer.Deps {
	return issuer.Deps{
		Profiles:     st.Profiles,
		Achievements: st.Achievements,
		Members:      st.Members,
		Credentials:  st.Credentials,
		HolderCopies: st.HolderCopies,
		Showcases:    st.Showcases,
		Stats:        &badges.AwardStats{Stats: st.Stats, MemberCohorts: st.Cohorts.MemberCohorts}, // cohorts count their members' awards too
		Status:       st.Status,
		Keyring:      issuer.NewKeyring(st.Keys, sealer),
		Claims:       st.Claims,
		URLs:         urls,
		Loader:       loader,
		ClaimLinks:   sealer.LinkSigner("claim"),
		WalletLinks:  sealer.LinkSigner("wallet"),
	}
}

// NewAwarder returns the recognition engine on the stores of db, making
// its awards through the issuing service.
func NewAwarder(st *Stores, issuing *issuer.Service, log *slog.Logger) *badges.Awarder {
	a := &badges.Awarder{
		Catalogue:    badges.NewCatalogue(st.Behaviours, st.Rules, st.Achievements),
		Activities:   st.Activities,
		Batches:      st.Batches,
		Records:      st.Records,
		Queue:        st.Queue,
		Stats:        st.Stats,
		Members:      st.Members,
		Achievements: st.Achievements,
		Issue:        issuing.IssueFunc(),
		Holdings:     issuing.HoldingsFunc(),
		Revoked:      issuing.RevokedFunc(),
		Report:       LogNotices(log),
		Now:          time.Now,
		Writers:      st.Records.Writers(),
	}
	badges.NewCohorts(st.Cohorts, a) // the awarder's rules and activities know the cohorts
	a.IndexBackfill = st.Activities  // activity recorded before the activity index, indexed at start
	return a
}

// AwardRows is the jobs' way to issue awards: the issuing service's bulk
// award, which the badges package cannot call itself.
func AwardRows(issuing *issuer.Service) badges.AwardRowsFunc {
	return func(ctx context.Context, issuerID string, ins []badges.AwardInput) ([]badges.AwardRow, error) {
		res, err := issuing.AwardMany(ctx, issuerID, "", ins)
		if err != nil {
			return nil, err
		}
		out := make([]badges.AwardRow, len(res))
		for i, r := range res {
			out[i] = badges.AwardRow{Outcome: r.Outcome, Err: r.Err}
		}
		return out, nil
	}
}

// LogNotices logs what the awarder went on from: failures as warnings,
// recovered batches as information. A nil log logs nothing.
func LogNotices(log *slog.Logger) func(badges.Notice) {
	if log == nil {
		return nil
	}
	return func(n badges.Notice) {
		var attrs []any
		if n.Award != "" {
			attrs = append(attrs, "award", n.Award)
		}
		if n.Err != nil {
			log.Warn(n.Doing, append(attrs, "err", n.Err)...)
			return
		}
		if n.Members > 0 {
			log.Info(n.Doing, append(attrs, "members", n.Members)...)
			return
		}
		log.Info(n.Doing, append(attrs, "batches", n.Batches)...)
	}
}

// newMail makes the communities' e-mail templates, the composer and the
// outbox, which queues the e-mail of whatever c does not give another
// Notifier for.
func (l *Laurel) newMail(c *Config) (err error) {
	st := l.Stores
	l.MailTemplates = &badges.MailTemplates{Store: st.MailTemplates, Now: time.Now}
	l.Composer, err = mail.NewComposer(mail.Config{URLs: l.URLs, Profiles: st.Profiles, Templates: l.MailTemplates,
		OptOuts: st.MailOptOuts, Links: c.Sealer.LinkSigner("unsubscribe")})
	if err != nil {
		return err
	}
	if c.Composer == nil {
		c.Composer = l.Composer
	}
	l.Outbox = &badges.Outbox{Store: st.Messages, Composer: c.Composer, Sender: c.Mail, Now: time.Now, Report: logMail(c.Logger)}
	if c.Notifier == nil {
		c.Notifier = l.Outbox
	}
	l.Notifier = c.Notifier
	return nil
}

// logMail logs the outbox's failures as warnings, with the message's id
// (carried in the notice's Award) and the whole error.
func logMail(log *slog.Logger) func(badges.Notice) {
	return func(n badges.Notice) { log.Warn(n.Doing, "message", n.Award, "err", n.Err) }
}

// Work runs the background work until ctx ends: the award queue's worker,
// every interval, the re-evaluations of rules for every member, and the
// rebuild of list indexes missing or outdated (logged to log), the
// uploaded files' jobs, the e-mail outbox's deliveries and the webhook
// outbox's. At start the
// re-evaluations and the jobs take over those left running for takeOver (see badges.Reevaluator.Run and
// badges.Jobs.RunEvery).
func (l *Laurel) Work(ctx context.Context, interval, takeOver time.Duration, log *slog.Logger) {
	var wg sync.WaitGroup
	wg.Go(func() { l.sweepAccounts(ctx, log) })
	wg.Go(func() { l.Stores.RebuildIndexes(ctx, log) })
	wg.Go(func() { l.Awarder.Run(ctx, interval) })
	wg.Go(func() { l.Reevaluator.Run(ctx, interval, takeOver) })
	wg.Go(func() { l.Jobs.RunEvery(ctx, interval, takeOver) })
	wg.Go(func() { l.Outbox.Run(ctx, interval) })
	wg.Go(func() { l.Webhooks.Run(ctx, interval) })
	wg.Go(func() { l.sweepNudges(ctx, log) })
	wg.Go(func() { l.sweepMeasures(ctx, log) })
	wg.Go(func() { l.sweepSpotlightPosts(ctx, log) })
	wg.Wait()
}

// sweepAccounts removes the console's and the member portal's expired
// sessions, links and sign-in limit windows, expired check-in links and
// wallet exchanges, at start and then hourly, until ctx ends.
func (l *Laurel) sweepAccounts(ctx context.Context, log *slog.Logger) {
	for {
		if err := l.Accounts.Sweep(ctx); err != nil && ctx.Err() == nil {
			log.Warn("sweeping console sessions", "err", err)
		}
		if err := l.CheckIns.Sweep(ctx); err != nil && ctx.Err() == nil {
			log.Warn("sweeping check-in links", "err", err)
		}
		if err := l.Portal.Sweep(ctx); err != nil && ctx.Err() == nil {
			log.Warn("sweeping member sessions", "err", err)
		}
		if _, err := l.Exchanges.Sweep(ctx); err != nil && ctx.Err() == nil {
			log.Warn("sweeping wallet exchanges", "err", err)
		}
		if err := l.OID4VCI.Sweep(ctx); err != nil && ctx.Err() == nil {
			log.Warn("sweeping wallet codes", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}

// sweepNudges queues the weekly progress e-mails members opted into,
// hourly, until ctx ends; each member gets one a week.
func (l *Laurel) sweepNudges(ctx context.Context, log *slog.Logger) {
	for {
		if _, err := l.Nudges.Sweep(ctx); err != nil && ctx.Err() == nil {
			log.Warn("sending weekly progress e-mails", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}

// Services are the services the HTTP API calls.
func (l *Laurel) Services() api.Services {
	return api.Services{
		Issuers:      l.Stores.Profiles,
		Achievements: l.Achievements,
		Members:      l.Members,
		Directory:    l.Stores.Members,
		APIKeys:      l.Stores.APIKeys,
		Images:       l.Stores.Images,
		Issuing:      l.Issuing,
		Verifier:     l.Verifier,
		Catalogue:    l.Awarder.Catalogue,
		Recognition:  l.Awarder,
		Nominations:  l.Nominations,
		Applications: l.Applications,
		Spotlight:    l.Spotlight,
		Previews:     l.Previewer,
		Cohorts:      l.Cohorts,
		Outcomes:     l.Outcomes,
		Measures:     l.Measures,
		Corrections:  l.Corrections,
		Accounts:     l.Accounts,
		Portal:       l.Portal,
		Leaders:      l.Leaders,
		BadgeChoices: l.Issuing,
		Jobs:         l.Jobs,
		Outbox:       l.Outbox,
		Notifier:     l.Notifier,
		CheckIns:     l.CheckIns,
		Ping:         l.DB.Ping,
		ClaimLinks:   l.ClaimLinks,
		Wallets:      l.Exchanges,

		Reevaluations: l.Reevaluator,

		MailTemplates: l.MailTemplates,
		Mail:          l.Composer,
		MemberData:    l.MemberData,
		Forgetter:     l.Forgetter,
		Nudges:        l.Nudges,
		Webhooks:      l.Webhooks,
		Sources:       l.Sources,
		WalletCopies:  l.Stores.HolderCopies,
		OID4VCI:       l.OID4VCI,
	}
}

// Server returns the HTTP API's server.
func (l *Laurel) Server(cfg api.Config) (*api.Server, error) { return api.NewServer(cfg, l.Services()) }
