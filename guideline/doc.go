// Package guideline is the City of Milan's guideline of 2 March 2021 for
// protecting social workers from aggression by the people they serve, as
// data: what the other packages of the module read, and what another
// municipality replaces with its own.
//
// # The document as data
//
// A [Guideline] is built from a [Spec] by [New], or read from JSON by
// [Load], and never changes afterwards; [Milano2021] is Milan's. It holds
// the two phases ([PhasePreventive], [PhaseEmergency]), the steps of each
// ([Step]: who acts, towards whom, and the [Clause] of the document it
// comes from), the [Role] values of the people and offices involved, their
// [Contact] details (the Police Command's e-mail address, the Operations
// Centre's number 02 77270282 as a [Phone]), the [Territory] list (Milan's
// nine Municipi) and the [Policy]: the values the document leaves to the
// municipality, such as the notice a preventive request needs
// ("congruo anticipo", [Policy.MinLeadTime], in [WorkingDays] over the
// Italian and local holidays), the escalation ladder of the emergency
// steps, and the terms of the duties after an incident that come from law
// or municipal choice ([SupplementaryRules]).
//
// [Load] bounds its input ([MaxSpecSize]), refuses unknown fields without
// repeating them, and reports every invalid field at once, by JSON path, as
// a [*ValidationError].
//
// # Texts for a person
//
// Identifiers are English; what a person reads is Italian by default and
// English on request, through a message catalog built on golang.org/x/text
// ([Catalog], [NewCatalog], [BaseCatalog]). Each package of the module
// brings its own texts ([Text], [NewText], [NewCountText]) and builds its
// catalog over these. Steps, roles, phases, clauses, durations and rules
// render themselves with a printer from such a catalog.
//
// # Validation
//
// [Validator] is go-playground/validator with json field names, the Italian
// and English translations and this module's rules; a [ValidationError]
// lists every [FieldError] with its path, rule and parameter, never the
// value, which may be personal data. Field labels as a person knows them
// ([Labels], [Validator.WithLabels]) replace the JSON names in the
// messages.
//
// # Findings and diagrams
//
// The compliance checks of the request and incident packages return
// [Finding] values: a stable code, a [Severity], the [Clause] cited and a
// text rendered through the catalog. [Guideline.Mermaid] and
// [Guideline.DOT] draw the procedure from the data with the one renderer
// of the module ([Graph]), which the lifecycles' transition tables use too.
package guideline
