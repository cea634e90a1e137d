# language: fr
@palier-6 @15-SMUR @role-tablette
Fonctionnalité: Palier 6 — Mises à jour du dossier reçues par la tablette SMUR (15-SMUR, le banc joue le LRM)
  Le LRM du banc partage un dossier avec la tablette puis le met à jour deux fois (createCaseHealthUpdate /
  RS-EDA-MAJ) sur le même caseId : chaque message est acquitté, le message suivant de la tablette sur le
  dossier garde ce caseId, et une personne atteste que la tablette montre la mise à jour sans dossier en
  double (DSF 15-15 §5.4 ; support Projectathon 9, p. 23 ; cahier de recette 2023 §6.1–6.3).

  Contexte:
    Soit le système de l'éditeur est connecté au hub

  @exigence-dsf1515-reconciliation-case-id
  Scénario: La tablette garde le caseId du dossier après les mises à jour du LRM
    Soit un dossier partagé puis mis à jour (RS-EDA-MAJ) par le LRM du banc [Palier 6 — DSF 15-15 §5.4 (mises à jour sur le même caseId)]
    Alors le message suivant de la tablette sur ce dossier garde son caseId [Palier 6 — DSF 15-15 §5.4 (réconciliation sur caseId)]

  @exigence-recette-reconciliation-visible
  Scénario: Mise à jour du dossier visible sur la tablette
    Soit un dossier partagé puis mis à jour (RS-EDA-MAJ) par le LRM du banc [Palier 6 — DSF 15-15 §5.4 (mises à jour sur le même caseId)]
    Alors une personne atteste la liste "mise-a-jour-tablette" des modifications affichées par la tablette [Palier 6 — cahier de recette 2023 §6.1–6.3 (modifications mises en évidence, pas de doublon)]
