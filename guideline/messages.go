package guideline

import (
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/message/catalog"
)

func text(key, it, en string) Text {
	return Text{Key: key, Italian: catalog.String(it), English: catalog.String(en)}
}

// Messages returns this package's texts: role, phase, step and policy
// names and descriptions, in Italian and English. Other packages of the
// module pass it to [NewCatalog] together with their own texts.
func Messages() []Text {
	return []Text{
		text(RoleOperator.MessageKey(), "Operatore dei servizi sociali", "Social services operator"),
		text(RoleResponsibleOfficial.MessageKey(), "Funzionario P.O. responsabile del Servizio Sociale Professionale competente per territorio", "Official (P.O.) responsible for the Professional Social Service of the territory"),
		text(RolePoliceCommand.MessageKey(), "Comando di Polizia Locale", "Local Police Command"),
		text(RoleAreaDirector.MessageKey(), "Direttore di Area Territorialità della Direzione Politiche Sociali", "Director of the Territoriality Area, Social Policies Directorate"),
		text(RoleOperationsCentre.MessageKey(), "Capo Turno della Centrale Operativa della Polizia Locale", "Shift supervisor of the Local Police Operations Centre"),
		text(RolePatrol.MessageKey(), "Pattuglia della Polizia Locale", "Local Police patrol"),
		text(RolePoliceForces.MessageKey(), "Forze di Polizia", "Police Forces"),
		text(RoleSocialPolicyDirectorate.MessageKey(), "Direzione Politiche Sociali – Area Territorialità", "Social Policies Directorate – Territoriality Area"),

		text(PhasePreventive.MessageKey(), "Fase preventiva", "Preventive phase"),
		text(PhaseEmergency.MessageKey(), "Gestione dell'emergenza", "Emergency management"),

		{
			Key: keyWorkingDays,
			Italian: plural.Selectf(1, "%d",
				plural.One, "%d giorno lavorativo",
				plural.Other, "%d giorni lavorativi"),
			English: plural.Selectf(1, "%d",
				plural.One, "%d working day",
				plural.Other, "%d working days"),
		},
	}
}

const keyWorkingDays = "policy.working_days"
