# language: fr
@palier-6 @role-lrm
Fonctionnalité: Palier 6 — Réception et réconciliation
  Le partenaire partage un dossier puis le met à jour plusieurs fois sur le même caseId : chaque message
  est acquitté et les messages suivants du système reprennent ce caseId. Transfert de responsabilité
  (owner, CRRA traitant) : le partenaire demande au système de prendre son dossier en charge, l'opérateur
  accepte (owner = son identifiant) ou refuse (owner = celui du demandeur) ; le système demande lui-même
  au partenaire de prendre son dossier en charge. Variations d'un champ à la fois (priorité, localisation,
  patient, ressources), chacune acquittée ; un dossier partagé avec deux partenaires : chaque mise à jour
  part vers les deux
  (support Projectathon 1 p. 15–16, palier 6 ; DSF 15-15 §5.3, §5.4, §6.1 ; cahier de recette 2023 §6.1).

  Contexte:
    Soit le système de l'éditeur est connecté au hub

  @tous-liens @exigence-dsf1515-reconciliation-case-id
  Scénario: Mises à jour successives d'un même dossier
    Soit un dossier partagé par le partenaire [Palier 6 — DSF 15-15 §5.4 (partage)]
    Quand le partenaire envoie 2 mises à jour du dossier [Palier 6 — DSF 15-15 §5.4 (mises à jour sur le même caseId)]
    Alors la mise à jour suivante du système reprend le caseId du dossier [Palier 6 — DSF 15-15 §5.4 (réconciliation sur caseId)]

  @15-15 @exigence-dsf1515-transfert-accepte
  Scénario: Transfert de responsabilité accepté
    Soit une demande de prise en charge du partenaire sur son dossier [Palier 6 — DSF 15-15 §5.3, §6.1 (demande de transfert)]
    Alors l'opérateur accepte et la réponse porte l'identifiant du système en owner [Palier 6 — DSF 15-15 §5.3, §6.1 (owner : transfert accepté)]

  @15-15 @exigence-dsf1515-transfert-refuse
  Scénario: Transfert de responsabilité refusé
    Soit une demande de prise en charge du partenaire sur son dossier [Palier 6 — DSF 15-15 §5.3, §6.1 (demande de transfert)]
    Alors l'opérateur refuse et la réponse remet l'identifiant du demandeur en owner [Palier 6 — DSF 15-15 §5.3, §6.1 (owner : transfert refusé)]

  @15-15 @15-SMUR @exigence-dsf1515-variations-champs
  Plan du Scénario: Variation du champ <champ> d'un dossier partagé
    Soit un dossier partagé par le partenaire [Palier 6 — DSF 15-15 §5.4 (partage)]
    Quand le partenaire modifie le champ <champ> du dossier [Palier 6 — DSF 15-15 §5.4 (variation sur le même caseId)]
    Alors le système acquitte la variation (AMQP et RC-REF) [Palier 6 — DSF 15-15 §5.4 ; DST 1.2 §3.3.2 (variation <champ> intégrée et acquittée)]

    Exemples:
      | champ        |
      | priorité     |
      | localisation |
      | patient      |
      | ressources   |

  @15-15 @exigence-dsf1515-demande-prise-en-charge
  Scénario: Demande de prise en charge envoyée par le système
    Alors l'opérateur demande au partenaire de prendre en charge son dossier et la demande le désigne en owner [Palier 6 — DSF 15-15 §5.3, §6.1 (demande de transfert : owner = CRRA sollicité)]

  @15-15 @exigence-dsf1515-repartage-partenaires
  Scénario: Mise à jour repartagée aux deux partenaires du dossier
    Soit le dossier du système partagé aussi avec un second partenaire [Palier 6 — DSF 15-15 §5.4 (partage à plusieurs partenaires)]
    Alors la mise à jour suivante du système parvient aux deux partenaires [Palier 6 — DSF 15-15 §5.4 (mise à jour repartagée à tous les partenaires)]

  @tous-liens @exigence-recette-reconciliation-visible
  Scénario: Mises à jour visibles et sans doublon
    Alors une personne atteste "reconciliation-visible" : pas de dossier en double, les modifications reçues sont mises en évidence et les règles de priorité appliquées [Palier 6 — DSF 15-15 §5.4, cahier de recette 2023 §6.1–6.3]
