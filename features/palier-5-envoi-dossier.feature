# language: fr
@palier-5 @tous-liens @role-lrm
Fonctionnalité: Palier 5 — Envoi d'un dossier et corrections
  L'opérateur ressaisit le dossier du jeu de données et le partage avec le partenaire du banc, puis le
  corrige. Le banc juge le message publié (trace du hub) : schéma du vhost, caseId
  {pays}.{domaine}.{organisation}.{senderCaseId}, date de création sans Z, valeurs du JDD (comparaison
  JSONPath du runner officiel hors identifiants générés et dates) ; la correction garde le caseId et la
  date de création, a un nouveau distributionID et le type de mise à jour de la liaison
  (support Projectathon 1 p. 15–16, palier 5 ; DSF 15-15 §3.6, §5.1, §5.4 ; DSF 15-NexSIS §6.3).
  Sur 15-NexSIS le modèle suit la déclaration directCISU du système : un LRM directCISU partage un
  createCase (RC-EDA) ; tout autre LRM partage un createCaseHealth (RS-EDA) que le hub convertit, et le
  partenaire NexSIS du banc juge le RC-EDA qu'il reçoit (règles du convertisseur officiel).

  Contexte:
    Soit le système de l'éditeur est connecté au hub

  @exigence-dsf-dossier-schema
  Scénario: Dossier conforme au schéma du vhost
    Soit le dossier partagé par le système
    Alors il est conforme au schéma du vhost [Palier 5 — DSF 15-15 §5.1, DST 1.2 §3.4.5 (schéma du vhost, en-tête RC-DE)]

  @exigence-dsf1515-case-id
  Scénario: Identifiant de dossier partagé (caseId)
    Soit le dossier partagé par le système
    Alors son caseId est formé de l'organisation émettrice et du numéro local [Palier 5 — DSF 15-15 §3.6 (caseId)]

  @exigence-modele-date-creation
  Scénario: Date de création du dossier
    Soit le dossier partagé par le système
    Alors sa date de création est au format avec décalage horaire [Palier 5 — RS-EDA/RC-EDA (creation, format sans Z)]

  @exigence-dsf1515-valeurs-jdd
  Scénario: Valeurs du jeu de données
    Soit le dossier partagé par le système
    Alors il contient les valeurs du jeu de données [Palier 5 — DSF 15-15 §5.1 (valeurs du JDD)]

  @exigence-dsf1515-correction-case-id
  Scénario: Correction : même caseId
    Soit la correction du dossier partagé par le système
    Alors la correction reprend le caseId du dossier [Palier 5 — DSF 15-15 §5.4 (correction : même caseId)]

  @exigence-modele-correction-creation
  Scénario: Correction : date de création inchangée
    Soit la correction du dossier partagé par le système
    Alors la correction garde la date de création du dossier [Palier 5 — RS-EDA (correction : creation inchangée)]

  @exigence-dsf1515-correction-mise-a-jour
  Scénario: Correction : message de mise à jour avec un nouveau distributionID
    Soit la correction du dossier partagé par le système
    Alors la correction est un message de mise à jour de la liaison avec un nouveau distributionID [Palier 5 — DSF 15-15 §5.4, DST 1.2 §3.4.3 (message de mise à jour)]

  @15-NexSIS @lrm-direct-cisu @exigence-dsfnexsis-modele-declare
  Scénario: Modèle du dossier : RC-EDA (LRM directCISU)
    Soit le dossier partagé par le système
    Alors il est dans le modèle que le système déclare parler [Palier 5 — ansforge/SAMU-Hub-Sante dispatcher-1.4.0, ConversionUtils.java (directCISU : le LRM parle RC-EDA, le hub ne convertit pas)]

  @15-NexSIS @lrm-sante @exigence-dsfnexsis-modele-declare
  Scénario: Modèle du dossier : RS-EDA converti par le hub (LRM non directCISU)
    Soit le dossier partagé par le système
    Alors il est dans le modèle que le système déclare parler [Palier 5 — ansforge/SAMU-Hub-Sante dispatcher-1.4.0, ConversionUtils.java (sans directCISU : le LRM parle RS-EDA, le hub convertit)]

  @15-NexSIS @lrm-sante @exigence-dsfnexsis-dossier-converti
  Scénario: Dossier converti lisible par le partenaire NexSIS
    Soit le dossier partagé par le système
    Alors le partenaire NexSIS reçoit un RC-EDA conforme au schéma du vhost [Palier 5 — ansforge/SAMU-Hub-Modeles, src/main/resources/json-schema/RC-EDA.schema.json (dossier converti lisible par NexSIS)]

  @15-NexSIS @lrm-sante @exigence-dsfnexsis-dossier-converti
  Scénario: Contenu du dossier converti (champs conservés, supprimés, générés, alerte initiale)
    Soit le dossier partagé par le système
    Alors le dossier reçu par le partenaire NexSIS suit les règles de conversion RS-EDA vers RC-EDA [Palier 5 — ansforge/SAMU-Hub-Modeles converter-2.7.5-rc.1, converter/converter/cisu/create_case/create_case_cisu_converter.py (from_rs_to_cisu)]

  @15-NexSIS @lrm-sante @exigence-dsfnexsis-dossier-converti
  Scénario: Enveloppe du dossier converti inchangée
    Soit le dossier partagé par le système
    Alors l'enveloppe reçue par le partenaire NexSIS est celle du système [Palier 5 — ansforge/SAMU-Hub-Modeles converter-2.7.5-rc.1, converter/converter/converter.py (enveloppe copiée)]

  @exigence-recette-statut-partage
  Scénario: Statut de partage et trace du dossier visibles
    Alors une personne atteste "statut-partage-visible" : le logiciel montre l'état de partage du dossier (acquitté ou non délivré) et garde sa trace [Palier 5 — DST 1.2 §3.3.2, cahier de recette 2023 §5.3–5.4]

  @exigence-dst-acquittement-retenu
  Scénario: Acquittement retenu par le partenaire : dossier non délivré
    Quand le système partage un dossier que le partenaire n'acquitte pas [Palier 5 — DSF 15-15 §5.1 (partage d'un dossier)]
    Alors une personne atteste que le logiciel montre ce dossier non délivré [Palier 5 — DST 1.2 §3.3.2 (sans RC-REF, l'émetteur considère le message non délivré et le signale à ses utilisateurs)]

  @exigence-dst-erreur-hub-signalee
  Scénario: Erreur du hub signalée à l'opérateur
    Soit le système partage un dossier que le partenaire n'acquitte pas [Palier 5 — DSF 15-15 §5.1 (partage d'un dossier)]
    Quand le hub signale une erreur sur ce message dans la file .info du système [Palier 5 — DST 1.2 §3.4.7 (rapport d'erreur du hub sur la file .info)]
    Alors une personne atteste que le logiciel signale cette erreur du hub [Palier 5 — DST 1.2 §3.4.7 (erreurs remontées aux utilisateurs ; à vérifier)]
