package guideline_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
)

func TestLadderDefaultsFromTheTimeouts(t *testing.T) {
	t.Parallel()
	pol := guideline.Milano2021().Policy()
	assert.Empty(t, pol.Escalation, "Milan keeps the derived ladder")
	l1 := pol.Ladder(guideline.StepAlertColleagues)
	require.Len(t, l1, 3)
	assert.Equal(t, []guideline.EscalationAction{guideline.EscalateRealert, guideline.EscalateOfficial, guideline.EscalateDirectCall},
		[]guideline.EscalationAction{l1[0].Action, l1[1].Action, l1[2].Action})
	assert.Equal(t, []time.Duration{time.Minute, 2 * time.Minute, 3 * time.Minute},
		[]time.Duration{l1[0].After.Std(), l1[1].After.Std(), l1[2].After.Std()})
	l2 := pol.Ladder(guideline.StepCallOperationsCentre)
	require.Len(t, l2, 3)
	assert.Equal(t, 2*time.Minute, l2[0].After.Std())
	assert.Equal(t, 6*time.Minute, pol.LadderPeriod(guideline.StepCallOperationsCentre))
	assert.Nil(t, pol.Ladder(guideline.StepDispatch))
	assert.Zero(t, pol.LadderPeriod(guideline.StepDispatch))
	assert.Equal(t, "Richiamo di altro personale, dopo 1 minuto: nuovo allarme ai colleghi in servizio (per il passo 2, nuovo invio della traccia della telefonata)",
		l1[0].Text(guideline.BaseCatalog().Printer(language.Italian)))
}

func TestLadderFromThePolicy(t *testing.T) {
	t.Parallel()
	spec := guideline.Milano2021().Spec()
	spec.Policy.Escalation = []guideline.EscalationRung{
		{Step: guideline.StepAlertColleagues, After: guideline.Duration(90 * time.Second), Action: guideline.EscalateOfficial},
		{Step: guideline.StepAlertColleagues, After: guideline.Duration(30 * time.Second), Action: guideline.EscalateRealert},
	}
	g, err := guideline.New(spec)
	require.NoError(t, err)
	l := g.Policy().Ladder(guideline.StepAlertColleagues)
	require.Len(t, l, 2)
	assert.Equal(t, guideline.EscalateRealert, l[0].Action, "the rungs come in the order of After")
	assert.Equal(t, 90*time.Second, g.Policy().LadderPeriod(guideline.StepAlertColleagues))
	assert.Len(t, g.Policy().Ladder(guideline.StepCallOperationsCentre), 3, "a step without rungs keeps the default")

	// The JSON round-trips, and a document without the field still loads.
	b, err := json.Marshal(g)
	require.NoError(t, err)
	assert.Contains(t, string(b), `"escalation":[{"step":"emergency.alert_colleagues","after":"1m30s","action":"official"}`)
	_, err = guideline.Load(strings.NewReader(string(b)))
	require.NoError(t, err)
	milan, err := json.Marshal(guideline.Milano2021())
	require.NoError(t, err)
	assert.NotContains(t, string(milan), "escalation")
}

func TestLadderValidation(t *testing.T) {
	t.Parallel()
	spec := guideline.Milano2021().Spec()
	spec.Policy.Escalation = []guideline.EscalationRung{
		{Step: guideline.StepDispatch, After: guideline.Duration(time.Minute), Action: guideline.EscalateRealert},
		{Step: guideline.StepAlertColleagues, After: 0, Action: "shout"},
		{Step: guideline.StepAlertColleagues, After: guideline.Duration(time.Minute), Action: guideline.EscalateRealert},
		{Step: guideline.StepAlertColleagues, After: guideline.Duration(time.Minute), Action: guideline.EscalateOfficial},
	}
	_, err := guideline.New(spec)
	var ve *guideline.ValidationError
	require.ErrorAs(t, err, &ve)
	for _, w := range []struct{ path, rule string }{
		{"policy.escalation[0].step", "escalation_step"},
		{"policy.escalation[1].after", "duration"},
		{"policy.escalation[1].action", "escalation_action"},
		{"policy.escalation[3].after", "unique"},
	} {
		assert.True(t, ve.Has(w.path, w.rule), "%s %s not reported: %v", w.path, w.rule, err)
	}
	for _, f := range ve.Fields {
		assert.NotContains(t, f.Italian, "non rispetta la regola", "%s has no Italian message", f.Path)
	}
}
