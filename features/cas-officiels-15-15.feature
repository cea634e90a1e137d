# language: fr
# Généré depuis test_cases.json (hubbench.engine.official_cases.feature_text) : ne pas modifier à la main.
@palier-6 @cas-officiel @15-15
Fonctionnalité: Cas de test officiels 15-15
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
      | Didier Morel - Rôles : Hub Santé 77 / Editeur 94 |
      | Didier Morel - Rôles : Editeur 77 / Hub Santé 94 |
      | Lola HALIMI - Rôles : Hub Santé 95 / Editeur 78 |
      | Lola HALIMI - Rôles : Editeur 95 / Hub Santé 78 |
      | Monsieur X - Hub Santé 09 / Editeur 31 |
      | Monsieur X - Editeur 09 / Hub Santé 31 |
      | Ouardia Boudadi - Hub Santé 95 / Editeur 78 |
      | Ouardia Boudadi - Editeur 95 / Hub Santé 78 |
      | Enfants NGUYEN - Hub Santé 80 / Editeur 76A |
      | Enfants NGUYEN - Editeur 80 / Hub Santé 76A |

  Scénario: Chaque cas officiel du pack a son scénario
    Alors chaque cas de test officiel 15-15 du pack du vhost a un scénario dans ce fichier
