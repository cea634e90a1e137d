# language: fr
@palier-1 @tous-liens
Fonctionnalité: Palier 1 — Raccordement au hub
  Le système de l'éditeur se connecte au hub en AMQPS avec son propre certificat (SASL EXTERNAL),
  consomme ses trois files, se reconnecte seul et ne tente jamais de configurer le broker
  (DST 1.2 §2.2, §3.1, §3.2, §3.4.2). Tout est observé par l'API de gestion et le journal du hub.

  Contexte:
    Soit le système de l'éditeur est connecté au hub

  @exigence-dst-tls @exigence-dst-sasl-external @exigence-dst-certificat-cn
  Scénario: Connexion TLS authentifiée par le certificat de l'éditeur
    Alors la connexion est chiffrée en TLS 1.2 ou plus [Palier 1 — DST 1.2 §2.2.1 (TLS 1.2)]
    Et l'authentification utilise le mécanisme EXTERNAL [Palier 1 — DST 1.2 §3.1 (SASL EXTERNAL)]
    Et le certificat présenté porte l'identifiant client en CN [Palier 1 — DST 1.2 §2.2.2 (CN = identifiant client)]

  @exigence-dst-vhost @exigence-dst-consommateurs-files @exigence-dst-acquittement-manuel
  Scénario: Consommation des trois files du client
    Alors un consommateur est présent sur chacune des files message, ack et info [Palier 1 — DST 1.2 §2.1.3, §3.3 (files .message, .ack, .info)]
    Et les consommateurs acquittent manuellement [Palier 1 — DST 1.2 §3.3.1 (acquittement technique)]

  @exigence-dst-reconnexion-auto
  Scénario: Reconnexion automatique après une fermeture forcée
    Quand le banc ferme de force la connexion du système
    Alors le système se reconnecte avec ses trois consommateurs [Palier 1 — DST 1.2 §3.1 (reconnexion automatique)]

  @exigence-dst-declaration-passive @exigence-dst-cle-routage
  Scénario: Aucune tentative de configuration du broker
    Alors le journal du hub ne contient aucun accès refusé pour le système [Palier 1 — DST 1.2 §3.1 (déclaration passive, clé de routage = identifiant)]

  @exigence-dst-certificat-hub-verifie
  Scénario: Refus d'un faux hub au certificat d'une autre autorité
    Quand le banc se présente au système comme un faux hub "autre-ca"
    Alors le système refuse ce faux hub [Palier 1 — DST 1.2 §2.2.1, §2.2.2 (certificat du hub émis par l'autorité convenue ; section à vérifier)]

  @exigence-dst-certificat-hub-verifie
  Scénario: Refus d'un faux hub au certificat d'un autre nom
    Quand le banc se présente au système comme un faux hub "mauvais-nom"
    Alors le système refuse ce faux hub [Palier 1 — DST 1.2 §2.2.1, §2.2.2 (nom du hub vérifié dans son certificat ; section à vérifier)]

  @exigence-recette-raccordement-convenu
  Scénario: Identifiant client et certificat convenus avec l'équipe du hub
    Alors une personne atteste "raccordement-convenu" : l'identifiant client et le certificat du système ont été convenus avec l'équipe du hub [Palier 1 — cahier de recette 2023 §1.1, §1.2]
