# language: fr
@palier-6 @cas-officiel @tous-liens
Fonctionnalité: Cas de test officiels du pack du vhost
  Les cas sont ceux que publie le pack du vhost (test_cases.json du tag de ses schémas, catégorie de la
  liaison) : un scénario par cas, créé à la collecte sous le libellé du pack (hubbench.engine.official_cases).
  Chaque cas est joué comme le runner officiel (LRM de test de l'ANS, dépôt ansforge/SAMU-Hub-Sante,
  web/lrm/client/pages/test/) : étapes « receive » envoyées par le banc et acquittées (RC-REF) par le
  système, puis attestées valeur par valeur par une personne ; étapes « send » ressaisies par l'opérateur
  et comparées automatiquement. Un pack qui ne publie aucun cas pour la liaison donne un seul scénario
  « non applicable » qui dit pourquoi.

  @exigence-ans-cas-officiels
  Scénario: Cas officiel <cas>
    Soit le cas de test officiel "<cas>" du pack du vhost
    Quand le banc joue les étapes du cas [Cas officiel — runner officiel, étape send (comparaison JSONPath avec le JDD)]
    Alors une personne atteste les valeurs affichées des étapes de réception [Cas officiel — runner officiel, étape receive (valeurs affichées)]
