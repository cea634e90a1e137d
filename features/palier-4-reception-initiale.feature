# language: fr
@palier-4 @role-lrm
Fonctionnalité: Palier 4 — Réception d'un message fonctionnel initial
  Le banc partage avec le système le dossier initial de la liaison (createCase / RC-EDA sur 15-NexSIS,
  createCaseHealth / RS-EDA sur 15-15 et 15-SMUR), construit depuis l'exemple officiel du pack du vhost
  comme l'étape « receive » du runner officiel. Le système l'acquitte (AMQP et RC-REF) sans erreur, un
  renvoi ne crée pas de second dossier, et une personne atteste chaque valeur affichée
  (support Projectathon 1 p. 15–16, palier 4 ; DST 1.2 §3.3.1, §3.3.2 ; cahier de recette 2023 §4.1–4.4).

  Contexte:
    Soit le système de l'éditeur est connecté au hub

  @tous-liens @exigence-dsf-reception-dossier-initial
  Scénario: Le dossier initial est acquitté
    Quand le partenaire partage le dossier initial de la liaison
    Alors le système l'acquitte (AMQP et RC-REF) sans erreur [Palier 4 — DSF 15-15 §6.2, DSF 15-NexSIS §6.3 (réception du dossier initial)]

  @tous-liens @exigence-recette-renvoi-sans-doublon
  Scénario: Un renvoi du dossier ne crée pas de second dossier
    Quand le partenaire renvoie le dossier initial déjà partagé [Palier 4 — DST 1.2 §3.3.2 (renvoi acquitté)]
    Alors la mise à jour suivante du système reprend le même caseId [Palier 4 — cahier de recette 2023 §6.1 (pas de second dossier pour un même caseId)]

  @tous-liens @exigence-dst-distribution-id-doublon
  Scénario: Un même distributionID livré deux fois est acquitté deux fois et intégré une fois
    Quand le partenaire livre deux fois le même message (même distributionID) [Palier 4 — DST 1.2 §3.3.2 (RC-REF après intégration)]
    Alors le système renvoie un RC-REF pour la seconde livraison [Palier 4 — DST 1.2 §3.3.2 (tant que le RC-REF n'est pas reçu, l'émetteur tient le message pour non délivré : un message relivré est acquitté à nouveau)]
    Et une personne atteste "distribution-id-integre-une-fois" : le logiciel n'a intégré le message livré deux fois qu'une seule fois (un seul dossier, une seule entrée dans son historique) [Palier 4 — DST 1.2 §3.3.2, §3.4.3 (distributionID unique : un doublon n'est pas intégré deux fois)]

  @tous-liens @exigence-recette-affichage-dossier-initial
  Scénario: Valeurs du dossier initial affichées par le logiciel
    Soit le dossier initial partagé par le partenaire [Palier 4 — DSF 15-15 §6.2 (réception du dossier initial)]
    Alors une personne atteste la liste "affichage-dossier-initial" des valeurs affichées [Palier 4 — cahier de recette 2023 §4.2–4.4 (affichage et nomenclatures)]

  @15-15 @exigence-dsf1515-messages-liaison
  Plan du Scénario: Réception d'un message <message> (15-15)
    Quand le partenaire envoie un message <message> sur le dossier partagé [Palier 4 — DSF 15-15 (messages de la liaison)]
    Alors le système l'acquitte (AMQP et RC-REF) sans erreur [Palier 4 — DST 1.2 §3.3.1, §3.3.2 (acquittements)]

    Exemples:
      | message                |
      | createCaseHealthUpdate |
      | resourcesInfo          |
      | resourcesRequest       |
      | resourcesResponse      |
      | resourcesStatus        |

  @15-SMUR @exigence-dsfsmur-messages-lrm
  Plan du Scénario: Réception d'un message <message> (15-SMUR)
    Quand le partenaire envoie un message <message> sur le dossier partagé [Palier 4 — DSF 15-SMUR (messages de la liaison)]
    Alors le système l'acquitte (AMQP et RC-REF) sans erreur [Palier 4 — DST 1.2 §3.3.1, §3.3.2 (acquittements)]

    Exemples:
      | message                |
      | createCaseHealthUpdate |
      | resourcesEngagement    |
      | resourcesInfo          |
      | resourcesStatus        |
      | documentLink           |
      | interventionReport     |
      | rpis                   |
      | geoPositionsUpdate     |
