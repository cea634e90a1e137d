# language: fr
@palier-7 @15-NexSIS @role-lrm
Fonctionnalité: Palier 7 — EMSI : demande de concours, réponse, opérations
  Sur une affaire partagée au préalable, le système envoie une demande de concours (DC), répond à celle
  du partenaire (RDC/DCR : ACCEPTE, REFUS avec son motif, PARTIELLE avec ses ressources, DIVERGENTE avec
  l'horaire proposé ; il reçoit et acquitte ces réponses du partenaire) et transmet un compte rendu d'opérations (OPG/SOM) ; il acquitte les EMSI du
  partenaire. Règles : EVENT.MAIN_EVENT_ID = caseId partagé, CONTEXT.ID unique, MODE ACTUAL, MSGTYPE
  ALERT puis UPDATE, MISSION.NAME des DC et réponses, MISSION.ID de la DC repris par la réponse avec
  l'organisation qui répond, LEVEL OPR pour une OPG (schéma EMSI du dépôt ansforge/SAMU-Hub-Modeles ; support Projectathon 1 p. 15–16, palier 7 ; DSF 15-NexSIS §5.3).

  Contexte:
    Soit le système de l'éditeur est connecté au hub

  @exigence-dsfnexsis-demande-concours @exigence-dsfnexsis-affaire-partagee @exigence-emsi-contexte
  Scénario: Demande de concours envoyée par le système (DC)
    Alors le système envoie une demande de concours sur une affaire partagée [Palier 7 — DSF 15-NexSIS §5.3 (partnerRequest)]

  @exigence-dsfnexsis-reception-emsi @exigence-dsfnexsis-reponse-accepte @exigence-emsi-contexte
  Scénario: Réponse à une demande de concours du partenaire (RDC)
    Quand le partenaire envoie une demande de concours EMSI DC
    Alors le système l'acquitte (AMQP et RC-REF) sans erreur [Palier 7 — DST 1.2 §3.3.2 (acquittement de la DC)]
    Et l'opérateur répond ACCEPTE en reprenant la mission de la demande [Palier 7 — DSF 15-NexSIS §5.3 (partnerRequestAnswer)]

  @exigence-dsfnexsis-reponse-refus @exigence-dsfnexsis-affaire-partagee
  Scénario: Réponse REFUS à une demande de concours du partenaire, avec son motif
    Quand le partenaire envoie une demande de concours EMSI DC
    Alors le système l'acquitte (AMQP et RC-REF) sans erreur [Palier 7 — DST 1.2 §3.3.2 (acquittement de la DC)]
    Et l'opérateur répond REFUS en reprenant la mission de la demande [Palier 7 — DSF 15-NexSIS §5.3 (partnerRequestAnswer REFUS : motif en MISSION.FREETEXT, à vérifier)]

  @exigence-dsfnexsis-reponse-partielle @exigence-dsfnexsis-affaire-partagee
  Scénario: Réponse PARTIELLE à une demande de concours du partenaire, avec ses ressources
    Quand le partenaire envoie une demande de concours EMSI DC
    Alors le système l'acquitte (AMQP et RC-REF) sans erreur [Palier 7 — DST 1.2 §3.3.2 (acquittement de la DC)]
    Et l'opérateur répond PARTIELLE en reprenant la mission de la demande [Palier 7 — DSF 15-NexSIS §5.3 (partnerRequestAnswer PARTIELLE : ressources engagées en MISSION.RESOURCE_ID, à vérifier)]

  @exigence-dsfnexsis-reponse-divergente @exigence-dsfnexsis-affaire-partagee
  Scénario: Réponse DIVERGENTE à une demande de concours du partenaire, avec l'horaire proposé
    Quand le partenaire envoie une demande de concours EMSI DC
    Alors le système l'acquitte (AMQP et RC-REF) sans erreur [Palier 7 — DST 1.2 §3.3.2 (acquittement de la DC)]
    Et l'opérateur répond DIVERGENTE en reprenant la mission de la demande [Palier 7 — DSF 15-NexSIS §5.3, schéma EMSI MISSION.START_TIME (partnerRequestAnswer DIVERGENTE : horaire proposé)]

  @exigence-dsfnexsis-compte-rendu-operations @exigence-dsfnexsis-affaire-partagee @exigence-emsi-contexte
  Scénario: Compte rendu d'opérations envoyé par le système (OPG)
    Alors le système envoie un compte rendu d'opérations sur une affaire partagée [Palier 7 — DSF 15-NexSIS §5.3 (operationReport)]

  @exigence-dsfnexsis-reception-emsi
  Plan du Scénario: Réception d'un EMSI <variante> du partenaire
    Quand le partenaire envoie un EMSI <variante>
    Alors le système l'acquitte (AMQP et RC-REF) sans erreur [Palier 7 — DST 1.2 §3.3.1, §3.3.2 (acquittement des EMSI)]

    Exemples:
      | variante |
      | DC       |
      | RDC      |
      | OPG      |

  @exigence-dsfnexsis-reception-emsi
  Plan du Scénario: Réception d'une réponse <code> du partenaire à la demande de concours du système
    Quand le partenaire répond <code> à la demande de concours du système
    Alors le système l'acquitte (AMQP et RC-REF) sans erreur [Palier 7 — DST 1.2 §3.3.1, §3.3.2 ; DSF 15-NexSIS §5.3 (réception d'une réponse <code>)]

    Exemples:
      | code       |
      | REFUS      |
      | PARTIELLE  |
      | DIVERGENTE |

  @exigence-dsfnexsis-reception-emsi
  Scénario: Réponses du partenaire présentées aux utilisateurs
    Alors une personne atteste "emsi-reponses-visibles" : une réponse REFUS, PARTIELLE ou DIVERGENTE du partenaire est montrée à l'opérateur avec son motif, les ressources engagées ou l'horaire proposé, et la demande n'apparaît plus comme acceptée [Palier 7 — DSF 15-NexSIS §5.3 ; cahier de recette 2023 §7.3–10.2, à vérifier]

  @exigence-recette-emsi-visibles
  Scénario: Demandes de concours présentées aux utilisateurs
    Alors une personne atteste "emsi-visibles" : la demande de concours est notifiée, la réponse est traitée et la trace est gardée jusqu'à la réponse du partenaire [Palier 7 — cahier de recette 2023 §7.3–10.2]
