package guideline

import (
	"fmt"
	"time"
)

// Milan's contacts as the document gives them.
const (
	// MilanoCommandEmail is the Police Command's address for preventive
	// requests.
	MilanoCommandEmail = "PL.gabinettocomando@comune.milano.it"
	// MilanoOperationsCentrePhone is the shift supervisor's number of the
	// Operations Centre, in E.164 form (dialled as 02 77270282).
	MilanoOperationsCentrePhone Phone = "+390277270282"
)

// Milano2021 returns the guideline issued in Milan on 2 March 2021 by the
// Social Policies Directorate and the Local Police Command, with Milan's
// defaults: the Command's e-mail address, the Operations Centre's number,
// the nine Municipi as territories and a policy of 3 working days of
// notice.
//
// The document gives no e-mail address for the Area Director: the contact
// is there with its name only, and a deployment adds the address (see
// [Spec]) before sending preventive requests.
func Milano2021() Guideline {
	g, err := New(milano2021Spec())
	if err != nil {
		// Fixed data, checked by this package's tests.
		panic(err)
	}
	return g
}

func milano2021Spec() Spec {
	territories := make([]Territory, 9)
	for i := range territories {
		territories[i] = Territory{ID: fmt.Sprintf("municipio-%d", i+1), Name: fmt.Sprintf("Municipio %d", i+1)}
	}
	prev := func(paragraph int) Clause { return Clause{Phase: PhasePreventive, Paragraph: paragraph} }
	emer := func(item int) Clause { return Clause{Phase: PhaseEmergency, Paragraph: 1, Item: item} }
	return Spec{
		Version:      "milano-2021-03-02",
		Title:        "Linee guida per interventi a sostegno degli operatori dei servizi sociali del Comune di Milano",
		Municipality: "Milano",
		Issued:       "2021-03-02",
		Issuers: []string{
			"Direzione Politiche Sociali",
			"Comando di Polizia Locale",
		},
		Steps: []Step{
			{ID: StepAssessRisk, Phase: PhasePreventive, Number: 1, Actor: RoleOperator, Clause: prev(1)},
			{ID: StepSendRequest, Phase: PhasePreventive, Number: 2, Actor: RoleResponsibleOfficial,
				Counterparts: []Role{RolePoliceCommand, RoleAreaDirector}, Clause: prev(2)},
			{ID: StepEvaluateRequest, Phase: PhasePreventive, Number: 3, Actor: RolePoliceCommand,
				Counterparts: []Role{RoleResponsibleOfficial}, Clause: prev(3)},
			{ID: StepRecordRequest, Phase: PhasePreventive, Number: 4, Actor: RoleResponsibleOfficial, Clause: prev(3)},
			{ID: StepAlertColleagues, Phase: PhaseEmergency, Number: 1, Actor: RoleOperator, Clause: emer(1)},
			{ID: StepCallOperationsCentre, Phase: PhaseEmergency, Number: 2, Actor: RoleOperator,
				Counterparts: []Role{RoleOperationsCentre}, Clause: emer(2)},
			{ID: StepDispatch, Phase: PhaseEmergency, Number: 3, Actor: RoleOperationsCentre,
				Counterparts: []Role{RolePatrol, RolePoliceForces}, Clause: emer(3)},
			{ID: StepPatrolReport, Phase: PhaseEmergency, Number: 4, Actor: RolePatrol,
				Counterparts: []Role{RolePoliceCommand, RoleSocialPolicyDirectorate}, Clause: emer(4)},
		},
		Contacts: []Contact{
			{Role: RolePoliceCommand, Name: "Comando di Polizia Locale – Gabinetto del Comando", Email: MilanoCommandEmail},
			{Role: RoleAreaDirector, Name: "Direttore di Area Territorialità – Direzione Politiche Sociali"},
			{Role: RoleOperationsCentre, Name: "Capo Turno della Centrale Operativa della Polizia Locale", Phone: MilanoOperationsCentrePhone},
		},
		Policy: Policy{
			MinLeadTime:                 3,
			AlertColleaguesTimeout:      Duration(time.Minute),
			CallOperationsCentreTimeout: Duration(2 * time.Minute),
			UrgentDeliveryDeadline:      Duration(time.Minute),
			TimeZone:                    "Europe/Rome",
			LocalHolidays:               []string{"12-07"},
			CheckoutGracePeriod:         Duration(10 * time.Minute),
			SupportOfferedDays:          7,
			InjuryReportDays:            2,
			CommandEvaluationDays:       15,
		},
		Territories: territories,
	}
}
