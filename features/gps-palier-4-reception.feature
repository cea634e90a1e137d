# language: fr
@palier-4 @15-GPS
Fonctionnalité: 15-GPS, palier 4 — Réception des messages de géolocalisation du partenaire
  Le banc, partenaire du système sur la liaison 15-GPS, lui envoie des positions (GEO-POS), une demande
  de détails sur ses ressources (GEO-REQ) ou les détails de ses propres ressources (GEO-RES) ; le
  système acquitte chaque message (AMQP et RC-REF) sans erreur (DST 1.2 §3.3.1, §3.3.2 ; schémas GEO-POS,
  GEO-REQ et GEO-RES du dépôt ansforge/SAMU-Hub-Modeles ; DSF 15-GPS, section à vérifier).

  Contexte:
    Soit le système de l'éditeur est connecté au hub

  @role-demandeur-position @exigence-gps-reception
  Scénario: Réception des positions GEO-POS du partenaire
    Quand le partenaire envoie un message GEO-POS au système
    Alors le système l'acquitte (AMQP et RC-REF) sans erreur [Palier 4 — DST 1.2 §3.3.1, §3.3.2 (acquittement des GEO-POS)]

  @role-emetteur-position @exigence-gps-reception
  Scénario: Réception d'une demande GEO-REQ du partenaire
    Quand le partenaire envoie un message GEO-REQ au système
    Alors le système l'acquitte (AMQP et RC-REF) sans erreur [Palier 4 — DST 1.2 §3.3.1, §3.3.2 (acquittement des GEO-REQ)]

  @role-demandeur-position @exigence-gps-reception
  Scénario: Réception des détails GEO-RES du partenaire
    Quand le partenaire envoie un message GEO-RES au système
    Alors le système l'acquitte (AMQP et RC-REF) sans erreur [Palier 4 — DST 1.2 §3.3.1, §3.3.2 (acquittement des GEO-RES)]
