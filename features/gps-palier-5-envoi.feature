# language: fr
@palier-5 @15-GPS
Fonctionnalité: 15-GPS, palier 5 — Envoi des positions et des détails de ressources
  Le système émetteur de positions envoie les positions de ses ressources (GEO-POS) et répond à une
  demande de détails (GEO-REQ) du partenaire par un GEO-RES ; le système demandeur envoie un GEO-REQ
  auquel le partenaire répond. Le banc juge le message publié (trace du hub) : schéma du vhost,
  identifiant de ressource, horodatage avec décalage horaire, coordonnées en degrés décimaux, une
  ressource décrite par identifiant demandé (schémas GEO-POS, GEO-REQ et GEO-RES du dépôt
  ansforge/SAMU-Hub-Modeles ; DSF 15-GPS, section à vérifier).

  Contexte:
    Soit le système de l'éditeur est connecté au hub

  @role-emetteur-position @exigence-gps-geo-pos
  Scénario: Positions GEO-POS envoyées par le système
    Alors le système envoie les positions de ses ressources (GEO-POS) [Palier 5 — DSF 15-GPS (GEO-POS : positions des ressources)]

  @role-emetteur-position @exigence-gps-geo-res
  Scénario: Réponse GEO-RES à une demande GEO-REQ du partenaire
    Alors le système répond à la demande GEO-REQ du partenaire par un GEO-RES [Palier 5 — DSF 15-GPS (GEO-REQ → GEO-RES)]

  @role-demandeur-position @exigence-gps-geo-req
  Scénario: Demande GEO-REQ envoyée par le système
    Alors le système demande au partenaire les détails de ses ressources (GEO-REQ) [Palier 5 — DSF 15-GPS (GEO-REQ du demandeur)]
    Et le système acquitte la réponse GEO-RES du partenaire [Palier 5 — DSF 15-GPS (réponse GEO-RES du partenaire)]
