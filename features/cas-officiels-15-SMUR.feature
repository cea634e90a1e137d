# language: fr
# Généré depuis test_cases.json (hubbench.engine.official_cases.feature_text) : ne pas modifier à la main.
@palier-6 @cas-officiel @15-SMUR
Fonctionnalité: Cas de test officiels 15-SMUR
  Chaque cas de test officiel du pack du vhost est joué comme le runner officiel (LRM de test de l'ANS,
  dépôt ansforge/SAMU-Hub-Sante, web/lrm/client/pages/test/) :
  étapes « receive » envoyées par le banc et acquittées (RC-REF) par le système, puis attestées valeur par
  valeur par une personne ; étapes « send » ressaisies par l'opérateur et comparées automatiquement.

  Plan du Scénario: Cas officiel <cas>
    Soit le cas de test officiel "<cas>" du pack du vhost
    Quand le banc joue les étapes du cas [Cas officiel — runner officiel, étape send (comparaison JSONPath avec le JDD)]
    Alors une personne atteste les valeurs affichées des étapes de réception [Cas officiel — runner officiel, étape receive (valeurs affichées)]

    Exemples:
      | cas |
      | Alice et Grégoire NORMAND - Rôles : ANS joue le rôle du LRM ou ORU pour le RS-RPIS/ L'éditeur est le logiciel SMUR |
      | Alice et Grégoire NORMAND - Rôles : ANS joue le rôle du logiciel SMUR / L'éditeur est le LRM ou l'ORU pour le RS-RPIS |
      | Delphine VIGNEAU - Rôles : ANS joue le rôle du LRM ou ORU pour le RS-RPIS/ L'éditeur est le logiciel SMUR |
      | Delphine VIGNEAU - Rôles : ANS joue le rôle du logiciel SMUR / L'éditeur est le LRM ou l'ORU pour le RS-RPIS |

  Scénario: Chaque cas officiel du pack a son scénario
    Alors chaque cas de test officiel 15-SMUR du pack du vhost a un scénario dans ce fichier
