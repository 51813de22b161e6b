package guideline_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
)

func TestMilanoSupplementaryPolicy(t *testing.T) {
	t.Parallel()
	pol := guideline.Milano2021().Policy()
	assert.Equal(t, guideline.Duration(10*time.Minute), pol.CheckoutGracePeriod)
	assert.Equal(t, guideline.Days(7), pol.SupportOfferedDays)
	assert.Equal(t, guideline.Days(2), pol.InjuryReportDays)
	assert.Equal(t, guideline.Days(15), pol.CommandEvaluationDays)
}

func TestSupplementaryPolicyValidated(t *testing.T) {
	t.Parallel()
	spec := guideline.Milano2021().Spec()
	spec.Policy.CheckoutGracePeriod = 0
	spec.Policy.SupportOfferedDays = 0
	spec.Policy.InjuryReportDays = 3 // the law's two days may not be lengthened
	spec.Policy.CommandEvaluationDays = -1
	_, err := guideline.New(spec)
	var ve *guideline.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.True(t, ve.Has("policy.checkout_grace_period", "duration"), "%v", ve.Fields)
	assert.True(t, ve.Has("policy.support_offered_days", "gte"), "%v", ve.Fields)
	assert.True(t, ve.Has("policy.injury_report_days", "lte"), "%v", ve.Fields)
	assert.True(t, ve.Has("policy.command_evaluation_days", "gte"), "%v", ve.Fields)

	spec = guideline.Milano2021().Spec()
	spec.Policy.InjuryReportDays = 1 // shortening is allowed
	_, err = guideline.New(spec)
	require.NoError(t, err)
}

func TestSupplementaryPolicyJSON(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(guideline.Milano2021())
	require.NoError(t, err)
	for _, want := range []string{`"checkout_grace_period":"10m0s"`, `"support_offered_days":7`, `"injury_report_days":2`, `"command_evaluation_days":15`} {
		assert.Contains(t, string(b), want)
	}
	var g guideline.Guideline
	require.NoError(t, json.Unmarshal(b, &g))
	assert.Equal(t, guideline.Milano2021().Policy().CheckoutGracePeriod, g.Policy().CheckoutGracePeriod)
}

func TestDaysDeadline(t *testing.T) {
	t.Parallel()
	rome, err := time.LoadLocation("Europe/Rome")
	require.NoError(t, err)
	learned := time.Date(2026, 11, 3, 10, 0, 0, 0, rome)
	end := guideline.Days(2).Deadline(learned, rome)
	assert.Equal(t, time.Date(2026, 11, 5, 23, 59, 59, 999999999, rome), end)
	// Late at night in UTC is already the next day in Rome.
	utc := time.Date(2026, 11, 3, 23, 30, 0, 0, time.UTC)
	assert.Equal(t, time.Date(2026, 11, 6, 23, 59, 59, 999999999, rome), guideline.Days(2).Deadline(utc, rome))
	assert.Equal(t, time.Date(2026, 11, 3, 23, 59, 59, 999999999, time.UTC), guideline.Days(0).Deadline(utc, nil))
}

func TestSupplementaryRuleTexts(t *testing.T) {
	t.Parallel()
	g := guideline.Milano2021()
	c := guideline.BaseCatalog()
	rules := guideline.SupplementaryRules()
	require.Len(t, rules, 4)
	want := map[guideline.RuleID][2]string{
		guideline.RuleCheckoutGracePeriod: {"10 minuti", "10 minutes"},
		guideline.RuleSupportOffered:      {"7 giorni", "7 days"},
		guideline.RuleInjuryReport:        {"2 giorni", "2 days"},
		guideline.RuleCommandEvaluation:   {"15 giorni", "15 days"},
	}
	for _, r := range rules {
		it := g.RuleText(c.Printer(language.Italian), r.ID)
		en := g.RuleText(c.Printer(language.English), r.ID)
		assert.Contains(t, it, want[r.ID][0], r.ID)
		assert.Contains(t, en, want[r.ID][1], r.ID)
		assert.NotContains(t, it+en, "%!", r.ID)
		assert.Equal(t, r.Basis == guideline.BasisLaw, r.Law != "", r.ID)
		if r.Basis == guideline.BasisLaw {
			assert.True(t, strings.Contains(it, r.Law), "the Italian text cites the law")
		}
	}
	assert.Equal(t, "1 giorno", guideline.Days(1).Text(c.Printer(language.Italian)))
}
