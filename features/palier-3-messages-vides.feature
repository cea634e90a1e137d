# language: fr
@palier-3 @tous-liens
Fonctionnalité: Palier 3 — Envoi de messages vides
  Le système envoie au partenaire du banc des messages sans contenu métier (customContent) et
  échange les acquittements de réception finale (RC-REF). Chaque règle est jugée sur le message tel
  que le système l'a publié (trace du hub) ; un rapport d'erreur du hub est imputé à la règle qu'il
  signale (DST 1.2 §3.2, §3.3.2, §3.4.1, §3.4.3–§3.4.6, §3.4.8).

  Contexte:
    Soit le système de l'éditeur est connecté au hub

  @exigence-dst-type-contenu
  Scénario: Type de contenu et corps JSON
    Soit le message vide envoyé par le système au format JSON
    Alors son type de contenu est application/json et son corps est lisible [Palier 3 — DST 1.2 §3.4.1 (content_type cohérent avec le corps)]

  @exigence-dst-persistant
  Scénario: Message persistant
    Soit le message vide envoyé par le système au format JSON
    Alors il est publié en mode persistant [Palier 3 — DST 1.2 §3.2 (delivery_mode 2)]

  @exigence-dst-enveloppe-schema
  Scénario: Enveloppe EDXL-DE conforme au schéma du vhost
    Soit le message vide envoyé par le système au format JSON
    Alors son enveloppe est conforme au schéma du vhost [Palier 3 — DST 1.2 §3.4.3, §3.4.4, §3.4.8 (enveloppe EDXL-DE conforme au schéma)]

  @exigence-dst-sender-id @exigence-dst-cle-routage
  Scénario: Émetteur égal à la clé de routage
    Soit le message vide envoyé par le système au format JSON
    Alors son senderID est égal à sa clé de routage [Palier 3 — DST 1.2 §3.4.3 (senderID = clé de routage)]

  @prealable-distribution-id @exigence-dst-distribution-id-format
  Scénario: Identifiant de distribution préfixé par l'émetteur
    Soit le message vide envoyé par le système au format JSON
    Alors son distributionID est de la forme « senderID_identifiant » [Palier 3 — DST 1.2 §3.4.3 (distributionID préfixé par senderID)]

  @exigence-dst-destinataire-dates
  Scénario: Destinataire et dates
    Soit le message vide envoyé par le système au format JSON
    Alors il est adressé au partenaire avec des dates valides [Palier 3 — DST 1.2 §3.4.3, §3.4.4, §2.2.3 (destinataire, dates)]

  @exigence-dst-distribution-id-unique
  Scénario: Identifiants de distribution jamais réutilisés
    Quand le système envoie 3 messages vides à la suite
    Alors leurs distributionID sont tous différents [Palier 3 — DST 1.2 §3.4.3 (distributionID unique)]

  @prealable-rc-ref @exigence-dst-rc-ref
  Scénario: Acquittement de réception finale (RC-REF)
    Quand le partenaire envoie un message vide au système
    Alors le système renvoie un RC-REF qui le référence [Palier 3 — DST 1.2 §3.3.2, §3.4.6 (RC-REF après intégration)]

  @exigence-dst-rc-ref-etapes @apres-prealable-rc-ref
  Scénario: Message non conforme refusé par un RC-REF « refused »
    Quand le partenaire remet au système un message non conforme au schéma
    Alors le système le refuse par un RC-REF « refused » lié à son message d'erreur [Palier 3 — DST 1.2 §3.3.2, ansforge/SAMU-Hub-Modeles RC-REF.schema.json (refused, errorDistributionID ; step ERREUR en 3.x ; à vérifier)]

  @exigence-dst-message-erreur-editeur
  Scénario: Message non conforme : message d'erreur du système
    Quand le partenaire remet au système un message non conforme au schéma
    Alors le système envoie au partenaire un message d'erreur qui le référence et en donne la cause [Palier 3 — DST 1.2 §3.4.7, ansforge/SAMU-Hub-Modeles RS-ERROR.schema.json (errorCause, referencedDistributionID ; à vérifier)]

  @exigence-dst-pas-ack-d-ack
  Scénario: Pas d'acquittement d'un acquittement
    Quand le partenaire acquitte un message du système [Palier 3 — DST 1.2 §3.3.2 (on n'acquitte pas un acquittement)]
    Alors le système n'acquitte pas cet acquittement [Palier 3 — DST 1.2 §3.3.2 (on n'acquitte pas un acquittement)]

  @format-xml @exigence-dst-format-xml
  Scénario: Message vide au format XML
    Soit le message vide envoyé par le système au format XML
    Alors son type de contenu est application/xml et son corps est lisible [Palier 3 — DST 1.2 §3.4.1, HUB §4.2 (XML déclaré application/xml)]
