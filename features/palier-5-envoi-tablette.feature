# language: fr
@palier-5 @15-SMUR @role-tablette
Fonctionnalité: Palier 5 — Messages envoyés par la tablette SMUR (15-SMUR, le banc joue le LRM)
  L'opérateur de la tablette envoie au LRM du banc, sur le dossier que celui-ci lui a partagé, chaque
  message qu'une tablette émet : statut de ressource (RS-SR), lien vers un document (RS-URL), bilan
  (RS-BPV), données RPIS (RS-RPIS), positions (GEO-POS) — ceux que définit le pack du vhost (RS-URL et
  RS-BPV à partir de la ligne 2.x ; ailleurs « non applicable » avec la raison). Le banc juge le message
  publié (trace du hub) : schéma du vhost, puis les règles de contenu de son type
  (hubbench.cases.tablet_rules ; support Projectathon 9, p. 23 ; ansforge/SAMU-Hub-Modeles,
  src/main/resources/json-schema/).

  Contexte:
    Soit le système de l'éditeur est connecté au hub

  @exigence-dsfsmur-tablette-statut
  Scénario: Statut de ressource (RS-SR) envoyé par la tablette
    Quand la tablette envoie un message resourcesStatus sur le dossier reçu du LRM [Palier 5 — DSF 15-SMUR (statut des ressources ; à vérifier)]
    Alors le message de la tablette est conforme au schéma du vhost [Palier 5 — ansforge/SAMU-Hub-Modeles, src/main/resources/json-schema/RS-SR.schema.json]
    Et le message de la tablette suit les règles de contenu de son type [Palier 5 — RS-SR : même caseId, statut de la nomenclature, statut saisi]

  @exigence-dsfsmur-tablette-urgence
  Scénario: Lien vers un document (RS-URL) envoyé par la tablette
    Quand la tablette envoie un message documentLink sur le dossier reçu du LRM [Palier 5 — DSF 15-SMUR (lien vers un document ; à vérifier)]
    Alors le message de la tablette est conforme au schéma du vhost [Palier 5 — ansforge/SAMU-Hub-Modeles, src/main/resources/json-schema/RS-URL.schema.json]
    Et le message de la tablette suit les règles de contenu de son type [Palier 5 — RS-URL : même caseId, adresse http(s)]

  @exigence-dsfsmur-tablette-bilan
  Scénario: Bilan (RS-BPV) envoyé par la tablette
    Quand la tablette envoie un message interventionReport sur le dossier reçu du LRM [Palier 5 — DSF 15-SMUR (bilan ; à vérifier)]
    Alors le message de la tablette est conforme au schéma du vhost [Palier 5 — ansforge/SAMU-Hub-Modeles, src/main/resources/json-schema/RS-BPV.schema.json]
    Et le message de la tablette suit les règles de contenu de son type [Palier 5 — RS-BPV : même caseId, patient identifié, date de création]

  @exigence-dsfsmur-tablette-rpis
  Scénario: Données RPIS (RS-RPIS) envoyées par la tablette
    Quand la tablette envoie un message rpis sur le dossier reçu du LRM [Palier 5 — DSF 15-SMUR (RPIS ; à vérifier)]
    Alors le message de la tablette est conforme au schéma du vhost [Palier 5 — ansforge/SAMU-Hub-Modeles, src/main/resources/json-schema/RS-RPIS.schema.json]
    Et le message de la tablette suit les règles de contenu de son type [Palier 5 — RS-RPIS : horaires de l'intervention]

  @exigence-dsfsmur-tablette-position
  Scénario: Positions (GEO-POS) envoyées par la tablette
    Quand la tablette envoie un message geoPositionsUpdate sur le dossier reçu du LRM [Palier 5 — DSF 15-SMUR (positions ; à vérifier)]
    Alors le message de la tablette est conforme au schéma du vhost [Palier 5 — ansforge/SAMU-Hub-Modeles, src/main/resources/json-schema/GEO-POS.schema.json]
    Et le message de la tablette suit les règles de contenu de son type [Palier 5 — GEO-POS : coordonnées valides]
