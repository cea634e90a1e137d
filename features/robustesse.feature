# language: fr
@robustesse @tous-liens
Fonctionnalité: Robustesse — pannes réseau et messages inhabituels (palier optionnel)
  Le banc place son propre proxy TCP entre le système de l'éditeur et le hub (le TLS le traverse sans
  être ouvert) et y provoque des pannes : coupure pendant un envoi, fermeture pendant l'attente d'une
  confirmation, coupure et réinitialisation pendant une réception, blocage de la liaison. Après chaque
  panne, le système doit se reconnecter seul (DST 1.2 §3.1), ne rien perdre de ce qu'il envoie ni de
  ce qu'il reçoit (DST 1.2 §2.2.4, §3.3.1 ; cahier de recette 2023 §2.2) et garder le distributionID
  d'un message renvoyé (DST 1.2 §3.4.3). Des messages valides mais inhabituels (chaînes longues,
  Unicode rare, dates limites, nombreux éléments) ne doivent ni le faire tomber ni bloquer sa file.
  Palier optionnel : lancé seulement sur demande (hubbench run --tiers …,R ou --robustesse).

  Contexte:
    Soit le système de l'éditeur est connecté au hub par le proxy du banc [Robustesse — DST 1.2 §3.1 (connexion au hub)]

  @exigence-robustesse-envoi-sans-perte @exigence-robustesse-reconnexion
  Scénario: Coupure pendant un envoi : rien n'est perdu
    Quand le banc coupe la liaison avant que le hub ne reçoive le premier de 3 messages du système [Robustesse — cahier de recette 2023 §2.2 (Publisher Confirms)]
    Alors le système se reconnecte seul par le proxy [Robustesse — DST 1.2 §3.1 (reconnexion automatique)]
    Et le hub reçoit les messages demandés, aucun perdu [Robustesse — cahier de recette 2023 §2.2 (Publisher Confirms) ; bonne pratique : renvoyer ce que le hub n'a pas confirmé]

  @exigence-robustesse-envoi-sans-perte @exigence-robustesse-renvoi-meme-id @exigence-robustesse-reconnexion
  Scénario: Fermeture pendant l'attente de la confirmation : un renvoi garde son distributionID
    Quand le banc coupe la liaison après que le hub a reçu le premier de 3 messages du système, avant sa confirmation [Robustesse — cahier de recette 2023 §2.2 (Publisher Confirms)]
    Alors le système se reconnecte seul par le proxy [Robustesse — DST 1.2 §3.1 (reconnexion automatique)]
    Et le hub reçoit les messages demandés, aucun perdu [Robustesse — cahier de recette 2023 §2.2 (Publisher Confirms) ; bonne pratique : renvoyer ce que le hub n'a pas confirmé]
    Et un message renvoyé garde son distributionID [Robustesse — DST 1.2 §3.4.3 (distributionID unique par message) ; bonne pratique : un renvoi garde l'identifiant du message]

  @exigence-robustesse-reception-apres-coupure @exigence-robustesse-reconnexion
  Scénario: Coupure pendant une réception : les livraisons sont consommées de nouveau
    Quand le partenaire envoie 3 messages au système et le banc coupe aussitôt la liaison
    Alors le système se reconnecte seul par le proxy [Robustesse — DST 1.2 §3.1 (reconnexion automatique)]
    Et chaque message envoyé pendant la panne reçoit son RC-REF [Robustesse — DST 1.2 §2.2.4, §3.3.1 (files durables, acquittement après traitement), §3.4.6 (RC-REF)]

  @exigence-robustesse-reception-apres-coupure @exigence-robustesse-reconnexion
  Scénario: Réinitialisation de la liaison au milieu des livraisons
    Quand le partenaire envoie 4 messages au système et le banc réinitialise la liaison en cours de livraison
    Alors le système se reconnecte seul après la réinitialisation [Robustesse — DST 1.2 §3.1 (reconnexion automatique)]
    Et chaque message envoyé pendant la panne reçoit son RC-REF [Robustesse — DST 1.2 §2.2.4, §3.3.1 (files durables, acquittement après traitement), §3.4.6 (RC-REF)]

  @exigence-robustesse-reception-apres-coupure
  Scénario: Liaison bloquée quelques secondes
    Quand le banc bloque la liaison pendant que le partenaire envoie 3 messages au système
    Alors chaque message envoyé pendant la panne reçoit son RC-REF [Robustesse — DST 1.2 §3.3.1 (acquittement après traitement) ; bonne pratique : une liaison lente ne fait rien perdre]

  @exigence-robustesse-messages-inhabituels
  Scénario: Messages inhabituels mais valides
    Alors chaque message inhabituel et chaque sonde reçoivent leur RC-REF [Robustesse — DST 1.2 §3.3.1 (acquittement après traitement), §3.4.6 (RC-REF) ; bonne pratique : un message valide, même inhabituel, ne fait ni tomber le système ni bloquer sa file]
