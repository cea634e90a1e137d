# language: fr
@palier-6 @role-lrm
Fonctionnalité: Palier 6 — Réception et réconciliation
  Le partenaire partage un dossier puis le met à jour plusieurs fois sur le même caseId : chaque message
  est acquitté et les messages suivants du système reprennent ce caseId. Transfert de responsabilité
  (owner, CRRA traitant) : le partenaire demande au système de prendre son dossier en charge, l'opérateur
  accepte (owner = son identifiant) ou refuse (owner = celui du demandeur)
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

  @tous-liens @exigence-recette-reconciliation-visible
  Scénario: Mises à jour visibles et sans doublon
    Alors une personne atteste "reconciliation-visible" : pas de dossier en double, les modifications reçues sont mises en évidence et les règles de priorité appliquées [Palier 6 — DSF 15-15 §5.4, cahier de recette 2023 §6.1–6.3]
