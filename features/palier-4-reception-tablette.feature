# language: fr
@palier-4 @15-SMUR @role-tablette
Fonctionnalité: Palier 4 — Réception par la tablette SMUR (15-SMUR, le banc joue le LRM)
  Le système est une tablette (logiciel SMUR) ; le banc joue son LRM. Il lui partage un dossier
  (createCaseHealth / RS-EDA, construit depuis l'exemple officiel du pack du vhost) puis les messages
  qu'un LRM envoie au SMUR (ressources). La tablette acquitte chacun (AMQP et RC-REF) sans erreur ; le même
  message renvoyé (même distributionID) est acquitté à nouveau et n'est pas intégré deux fois ; une personne
  atteste chaque valeur affichée (support Projectathon 9, p. 23, contenu de la liaison 15-SMUR ;
  DST 1.2 §3.3.1, §3.3.2 ; cahier de recette 2023 §4.1–4.4).

  Contexte:
    Soit le système de l'éditeur est connecté au hub

  @exigence-dsfsmur-tablette-reception
  Scénario: La tablette acquitte le dossier (RS-EDA) reçu du LRM
    Quand le LRM du banc partage un dossier (RS-EDA) avec la tablette [Palier 4 — DSF 15-SMUR (réception du dossier par la tablette ; à vérifier), support Projectathon 9, p. 23]
    Alors la tablette l'acquitte (AMQP et RC-REF) sans erreur [Palier 4 — DST 1.2 §3.3.1, §3.3.2 (acquittements)]

  @exigence-dsfsmur-tablette-reception
  Plan du Scénario: La tablette acquitte un message <message> du LRM
    Quand le LRM du banc envoie un message <message> sur le dossier de la tablette [Palier 4 — DSF 15-SMUR (messages du LRM vers le SMUR ; à vérifier), support Projectathon 9, p. 23]
    Alors la tablette l'acquitte (AMQP et RC-REF) sans erreur [Palier 4 — DST 1.2 §3.3.1, §3.3.2 (acquittement des messages de ressources)]

    Exemples:
      | message             |
      | resourcesInfo       |
      | resourcesEngagement |

  @exigence-recette-renvoi-sans-doublon @exigence-dst-distribution-id-doublon
  Scénario: Un renvoi du même message (même distributionID) n'est pas intégré deux fois par la tablette
    Quand le LRM du banc renvoie le dossier avec le même distributionID [Palier 4 — DST 1.2 §3.3.2 (renvoi acquitté à nouveau)]
    Alors le message suivant de la tablette sur ce dossier reprend le même caseId [Palier 4 — cahier de recette 2023 §6.1 (pas de second dossier pour un même caseId)]

  @exigence-recette-affichage-dossier-initial
  Scénario: Valeurs du dossier affichées par la tablette
    Soit le dossier partagé par le LRM du banc avec la tablette [Palier 4 — DSF 15-SMUR (réception du dossier par la tablette ; à vérifier)]
    Alors une personne atteste la liste "affichage-dossier-tablette" des valeurs affichées par la tablette [Palier 4 — cahier de recette 2023 §4.2–4.4 (affichage et nomenclatures)]
