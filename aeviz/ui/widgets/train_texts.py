"""Texts of the training page (kept apart so the page module stays readable)."""

from __future__ import annotations

from aeviz.ui.i18n import add_strings

add_strings({
    "train.title": {"en": "Train an autoencoder: x → encoder → code → decoder → x̂ ≈ x",
                    "fr": "Entraîner un auto-encodeur : x → encodeur → code → décodeur → x̂ ≈ x"},
    "train.start": {"en": "Start training", "fr": "Lancer l'entraînement"},
    "train.resume": {"en": "Resume", "fr": "Reprendre"},
    "train.further": {"en": "Train further", "fr": "Continuer l'entraînement"},
    "train.reset_start": {"en": "Reset and start", "fr": "Réinitialiser et lancer"},
    "train.new_run": {"en": "Start a new run", "fr": "Lancer un nouvel entraînement"},
    "train.pause": {"en": "Pause", "fr": "Pause"},
    "train.stop": {"en": "Stop", "fr": "Arrêter"},
    "train.reset": {"en": "Reset", "fr": "Réinitialiser"},
    "train.pretrained": {"en": "Pretrained model", "fr": "Modèle pré-entraîné"},
    "train.use_pretrained": {"en": "Start from it", "fr": "Partir de ce modèle"},
    "train.open": {"en": "Open…", "fr": "Ouvrir…"},
    "train.save": {"en": "Save…", "fr": "Enregistrer…"},
    "train.filter": {"en": "aeviz models (*.aeviz)", "fr": "Modèles aeviz (*.aeviz)"},
    "train.tab_live": {"en": "Loss and reconstructions", "fr": "Perte et reconstructions"},
    "train.tab_layers": {"en": "Layers", "fr": "Couches"},
    "train.idle": {"en": "Ready: press Start. The model is untrained.",
                   "fr": "Prêt : appuyez sur Lancer. Le modèle n'est pas encore entraîné."},
    "train.loading": {"en": "Loading the data…", "fr": "Chargement des données…"},
    "train.progress": {"en": "Epoch {epoch}/{epochs} · {pct} · remaining {eta} · {rate} images/s",
                       "fr": "Époque {epoch}/{epochs} · {pct} · reste {eta} · {rate} images/s"},
    "train.paused": {"en": "Paused at epoch {epoch}/{epochs}: Resume continues from here.",
                     "fr": "En pause à l'époque {epoch}/{epochs} : Reprendre continue d'ici."},
    "train.finished": {"en": "Finished: {epochs} epochs, validation loss {val}.",
                       "fr": "Terminé : {epochs} époques, perte de validation {val}."},
    "train.stopped": {"en": "Stopped. The trained model is kept: save it or train further.",
                      "fr": "Arrêté. Le modèle entraîné est conservé : enregistrez-le ou continuez."},
    "train.diverged": {
        "en": "⚠ The loss exploded (it became {what}) with learning rate {lr}: too high. The last good weights "
              "were kept. Lower the learning rate (e.g. {hint}) and press Resume.",
        "fr": "⚠ La perte a explosé (elle est devenue {what}) avec un taux d'apprentissage de {lr} : trop élevé. "
              "Les derniers poids corrects sont conservés. Baissez le taux (par ex. {hint}) "
              "puis appuyez sur Reprendre."},
    "train.what_nan": {"en": "NaN, not a number", "fr": "NaN, pas un nombre"},
    "train.what_inf": {"en": "infinite", "fr": "infinie"},
    "train.what_huge": {"en": "huge", "fr": "énorme"},
    "train.needs_reset": {
        "en": "⚠ The model settings changed ({what}). They apply after a reset, which starts from new random "
              "weights: press “Reset and start” (the current model is kept until then).",
        "fr": "⚠ Les réglages du modèle ont changé ({what}). Ils s'appliquent après une réinitialisation, qui "
              "repart de poids aléatoires : appuyez sur « Réinitialiser et lancer » (le modèle actuel est "
              "conservé d'ici là)."},
    "train.needs_new_run": {
        "en": "⚠ Data or training settings changed ({what}). They apply to a new run that starts from the "
              "current weights; Resume is no longer possible.",
        "fr": "⚠ Les données ou les réglages d'entraînement ont changé ({what}). Ils s'appliquent à un nouvel "
              "entraînement qui part des poids actuels ; Reprendre n'est plus possible."},
    "what.kind": {"en": "type", "fr": "type"},
    "what.latent": {"en": "code size", "fr": "taille du code"},
    "what.hidden": {"en": "hidden layers", "fr": "couches cachées"},
    "what.bias": {"en": "biases", "fr": "biais"},
    "what.data": {"en": "data", "fr": "données"},
    "what.optimizer": {"en": "optimizer", "fr": "optimiseur"},
    "what.batch": {"en": "batch size", "fr": "taille de lot"},
    "what.loss": {"en": "loss", "fr": "perte"},
    "what.seed": {"en": "seed", "fr": "graine"},
    "what.noise": {"en": "noise", "fr": "bruit"},
    "what.device": {"en": "device", "fr": "processeur"},
    "train.failed": {"en": "⚠ Training could not start: {error}", "fr": "⚠ L'entraînement n'a pas pu démarrer : {error}"},
    "train.bad_settings": {"en": "⚠ {error}", "fr": "⚠ {error}"},
    "train.data_failed": {"en": "⚠ These data cannot be used, nothing was changed: {error}",
                          "fr": "⚠ Ces données sont inutilisables, rien n'a été changé : {error}"},
    "train.data_info": {"en": "{name}: {total} images, {classes} classes; training on {train}, validating on {val}.",
                        "fr": "{name} : {total} images, {classes} classes ; entraînement sur {train}, "
                              "validation sur {val}."},
    "train.data_skipped": {"en": "{n} unreadable file(s) skipped.", "fr": "{n} fichier(s) illisible(s) ignoré(s)."},
    "train.pick_folder": {"en": "Folder of images (one subfolder per class)",
                          "fr": "Dossier d'images (un sous-dossier par classe)"},
    "train.pick_idx_images": {"en": "IDX images file", "fr": "Fichier IDX des images"},
    "train.pick_idx_labels": {"en": "IDX labels file", "fr": "Fichier IDX des étiquettes"},
    "train.idx_filter": {"en": "IDX files (*idx* *.gz *ubyte*);;All files (*)",
                         "fr": "Fichiers IDX (*idx* *.gz *ubyte*);;Tous les fichiers (*)"},
    "train.load_failed": {"en": "⚠ This model cannot be opened, nothing was changed: {error}",
                          "fr": "⚠ Ce modèle ne peut pas être ouvert, rien n'a été changé : {error}"},
    "train.loaded": {"en": "Loaded “{name}”: {summary}, {epochs} epoch(s) of training on {data}.",
                     "fr": "Chargé « {name} » : {summary}, {epochs} époque(s) d'entraînement sur {data}."},
    "train.unknown_data": {"en": "unknown data", "fr": "données inconnues"},
    "train.saved": {"en": "Saved to {path}.", "fr": "Enregistré dans {path}."},
    "train.save_failed": {"en": "⚠ Could not save: {error}", "fr": "⚠ Échec de l'enregistrement : {error}"},
    "train.live_label": {"en": "{kind}, code {k} (training page, epoch {epoch})",
                         "fr": "{kind}, code {k} (page d'entraînement, époque {epoch})"},
    "pre.mlp_latent2": {"en": "MLP, code 2: the digits as a map", "fr": "MLP, code 2 : les chiffres en carte"},
    "pre.vae_latent2": {"en": "VAE, code 2: a smooth map to sample", "fr": "VAE, code 2 : une carte continue à échantillonner"},
    "pre.conv_latent16": {"en": "Convolutional, code 16: sharp reconstructions",
                          "fr": "Convolutif, code 16 : reconstructions nettes"},
    "pre.linear_latent16": {"en": "Linear without bias, code 16: the PCA", "fr": "Linéaire sans biais, code 16 : l'ACP"},
    "pre.conv_latent30": {"en": "Deep convolutional, code 30: record-class reconstructions",
                          "fr": "Convolutif profond, code 30 : reconstructions de niveau record"},
    "pre.conv_denoiser": {"en": "Convolutional, denoising: noisy in, clean out",
                          "fr": "Convolutif, débruitage : bruité en entrée, propre en sortie"},
})
