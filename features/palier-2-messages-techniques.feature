# language: fr
@palier-2 @tous-liens
Fonctionnalité: Palier 2 — Réception de messages techniques
  Le système acquitte (basic.ack) chaque message après traitement, rejette sans remise en file un
  message qu'il ne sait pas décoder, consomme ses files .info et .ack et retrouve après un redémarrage
  les messages arrivés pendant l'arrêt (DST 1.2 §3.3.1, §3.3.4, §3.4.7 ; cahier de recette 2023 §2.2).

  Contexte:
    Soit le système de l'éditeur est connecté au hub

  @prealable-acquittement-amqp @exigence-dst-acquittement-amqp
  Scénario: Les messages reçus sont acquittés
    Quand le partenaire envoie 3 messages vides au système
    Alors les messages sont acquittés et la file .message est vide [Palier 2 — DST 1.2 §3.3.1 (acquittement AMQP après traitement)]
    Et aucun message n'est relivré en boucle [Palier 2 — DST 1.2 §3.3.1 (pas de relivraison en boucle)]

  @exigence-dst-rejet-indecodable
  Scénario: Un message indécodable est rejeté sans remise en file
    Quand le banc dépose un message indécodable dans la file .message du système
    Alors le système le rejette sans remise en file [Palier 2 — DST 1.2 §3.3.1 (rejet sans remise en file d'un message indécodable)]

  @exigence-dst-consommation-info @exigence-dst-consommation-ack
  Scénario: Les files .info et .ack sont consommées
    Quand le banc dépose un rapport d'erreur du hub dans .info et un acquittement dans .ack
    Alors la file info est vidée [Palier 2 — DST 1.2 §3.3.4, §3.4.7 (consommation de la file .info)]
    Et la file ack est vidée [Palier 2 — DST 1.2 §3.3.2 (consommation de la file .ack)]

  @option-confirmations @exigence-recette-confirmations-publication
  Scénario: Confirmations de publication (optionnel)
    Alors le système publie sur un canal en mode confirm [Palier 2 — cahier de recette 2023 §2.2 (Publisher Confirms, optionnel)]

  @exigence-dst-files-durables
  Scénario: Messages conservés pendant un redémarrage du système
    Quand l'opérateur redémarre le système pendant que le partenaire lui envoie 2 messages [Palier 2 — DST 1.2 §2.2.4 (files durables)]
    Alors le système revient et consomme les messages arrivés pendant l'arrêt [Palier 2 — DST 1.2 §2.2.4, §3.3.1 (files durables)]

  @exigence-dst-erreurs-visibles
  Scénario: Les erreurs signalées par le hub sont visibles
    Alors une personne atteste "erreurs-visibles" : les rapports d'erreur reçus sur .info sont présentés aux utilisateurs ou journalisés [Palier 2 — DST 1.2 §3.4.7]
