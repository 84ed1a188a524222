"""The standard screening questionnaire in Spanish: for each question of
booking/content/screening.py (by its key), the Spanish of each text it has in English.

Written for Mexican patients (usted), not word for word; ``load_clinic_content`` writes
these into the Spanish columns with the same rule as the English (never over a staff
edit). A text the English leaves empty stays empty here.
"""

QUESTIONS: dict[str, dict[str, str]] = {
    "pregnant": {
        "text": "¿Está embarazada o en periodo de lactancia?",
        "public_label": "Está embarazada o en periodo de lactancia",
        "patient_message": (
            "No realizamos microagujas durante el embarazo ni la lactancia: hay poca "
            "información sobre su seguridad en esta etapa, y la piel tiende más a mancharse. "
            "Con gusto le atenderemos después."
        ),
    },
    "infection": {
        "text": (
            "¿Tiene en este momento una infección en la piel en la zona a tratar o cerca de ella?"
        ),
        "help_text": (
            "Por ejemplo un grano infectado, impétigo, una infección por hongos o una verruga "
            "en esa zona."
        ),
        "public_label": "Tiene una infección activa en la piel de la zona",
        "patient_message": (
            "El tratamiento con microagujas debe esperar a que la infección de la zona haya "
            "sanado por completo. Comuníquese con nosotros cuando esté bien y le buscamos un "
            "horario."
        ),
    },
    "open_skin": {
        "text": (
            "¿Tiene un fuego (herpes labial), una herida abierta o la piel lastimada en la "
            "zona a tratar?"
        ),
        "public_label": (
            "Tiene un fuego (herpes labial), una herida abierta o la piel lastimada en la zona"
        ),
        "patient_message": (
            "La zona debe estar completamente sana antes del tratamiento, porque tratar sobre "
            "un fuego o sobre piel abierta puede empeorarlo. Con gusto puede agendar cuando "
            "haya sanado."
        ),
    },
    "skin_cancer": {
        "text": (
            "¿Tiene cáncer de piel en la zona a tratar, o está en tratamiento por él en esa zona?"
        ),
        "public_label": "Tiene cáncer de piel activo en la zona",
        "patient_message": (
            "No podemos realizar microagujas en una zona con cáncer de piel activo. Por favor "
            "consulte a su médico, y comuníquese con nosotros si desea platicarlo."
        ),
    },
    "changing_mole": {
        "text": (
            "¿Hay en la zona a tratar un lunar o una mancha nuevos, o que hayan cambiado de "
            "tamaño, forma o color, que sangren o que no sanen?"
        ),
        "public_label": "Tiene en la zona un lunar o una mancha nuevos o que han cambiado",
        "patient_message": (
            "Un médico debe revisar un lunar o una mancha nuevos o que cambian antes de tratar "
            "la zona. Una vez revisado, comuníquese con nosotros y le buscamos un horario."
        ),
    },
    "isotretinoin_now": {
        "text": ("¿Está tomando isotretinoína actualmente (por ejemplo Roaccutan u otra marca)?"),
        "help_text": (
            "La isotretinoína es un medicamento en cápsulas que se receta para el acné severo."
        ),
        "public_label": "Está tomando isotretinoína (por ejemplo Roaccutan)",
        "patient_message": (
            "No realizamos microagujas mientras toma isotretinoína. Comuníquese con nosotros "
            "cuando termine su tratamiento y le diremos a partir de cuándo puede agendar."
        ),
    },
    "isotretinoin_past": {
        "text": "¿Ha tomado isotretinoína en los últimos 12 meses?",
        "help_text": "Incluya cualquier tratamiento que haya terminado en los últimos 12 meses.",
    },
    "isotretinoin_last_dose": {
        "text": "¿Cuándo tomó la última dosis?",
        "help_text": "Una fecha aproximada está bien si no recuerda el día exacto.",
        "public_label": "Dejó de tomar isotretinoína hace menos de seis meses",
        "patient_message": (
            "Tomó isotretinoína hace menos de seis meses, así que la fecha más próxima en que "
            "puede agendar es seis meses después de su última dosis, y un médico revisará sus "
            "respuestas antes de confirmar."
        ),
    },
    "bleeding_disorder": {
        "text": (
            "¿Tiene algún trastorno de la coagulación o de sangrado, como hemofilia o "
            "enfermedad de von Willebrand?"
        ),
        "public_label": "Tiene un trastorno de la coagulación o de sangrado",
        "patient_message": (
            "Con un trastorno de la coagulación o de sangrado, el tratamiento con microagujas "
            "no se puede agendar en línea. Comuníquese con nosotros si desea platicarlo."
        ),
    },
    "skin_condition": {
        "text": (
            "¿Tiene en la zona a tratar un brote de eczema, psoriasis o rosácea, o acné "
            "inflamado (granos rojos, hinchados o quísticos)?"
        ),
        "public_label": (
            "Tiene un brote de eczema, psoriasis o rosácea, o acné inflamado, en la zona"
        ),
        "patient_message": (
            "El tratamiento con microagujas debe esperar a que la piel de la zona se calme. "
            "Comuníquese con nosotros cuando esté mejor y le buscamos un horario."
        ),
    },
    "keloids": {
        "text": (
            "¿Suele formar queloides o cicatrices abultadas y gruesas después de una cortada "
            "o una cirugía?"
        ),
        "public_label": "Suele formar queloides o cicatrices abultadas",
        "patient_message": (
            "Como suele formar cicatrices abultadas, un médico revisará sus respuestas antes "
            "de confirmar su cita."
        ),
    },
    "blood_thinners": {
        "text": (
            "¿Toma algún medicamento anticoagulante o antiagregante, como warfarina, "
            "apixabán, rivaroxabán o clopidogrel, o aspirina diaria recetada por su médico?"
        ),
        "help_text": (
            "Por favor no suspenda un medicamento que le recetó su médico sin consultarlo antes."
        ),
        "public_label": (
            "Toma medicamento anticoagulante (incluida aspirina diaria recetada por un médico)"
        ),
        "patient_message": (
            "Como toma un medicamento anticoagulante, un médico revisará sus respuestas antes "
            "de confirmar su cita. Siga tomándolo, a menos que su médico le indique otra cosa."
        ),
    },
    "allergy": {
        "text": (
            "¿Tiene alergia a algún metal (como el níquel) o a cremas anestésicas (como la "
            "lidocaína)?"
        ),
        "public_label": "Tiene alergia a metales o a cremas anestésicas como la lidocaína",
        "patient_message": (
            "Por su alergia, un médico revisará sus respuestas antes de confirmar su cita: "
            "muchas veces se pueden usar otras agujas y otros anestésicos."
        ),
    },
    "face_area": {
        "text": "¿La zona a tratar está en la cara?",
        "help_text": "Responda «No» si solo se tratarán otras zonas, como muslos o abdomen.",
    },
    "cold_sore_history": {
        "text": "¿Alguna vez le han salido fuegos (herpes labial)?",
        "help_text": (
            "Los fuegos son pequeñas ampollas, casi siempre alrededor de los labios (herpes "
            "simple)."
        ),
        "public_label": "Se tratará su cara y a veces le salen fuegos (herpes labial)",
        "patient_message": (
            "Como le han salido fuegos, un médico revisará sus respuestas antes de confirmar "
            "su cita. Puede indicarle un medicamento para ayudar a prevenir un brote después "
            "del tratamiento."
        ),
    },
    "diabetes": {
        "text": "¿Tiene diabetes?",
        "public_label": "Tiene diabetes",
        "patient_message": (
            "Como tiene diabetes, un médico revisará sus respuestas antes de confirmar su cita."
        ),
    },
    "immune": {
        "text": (
            "¿Tiene alguna enfermedad autoinmune o las defensas bajas, o toma medicamentos que "
            "suprimen el sistema inmunológico?"
        ),
        "help_text": (
            "Por ejemplo lupus, o esteroides en tabletas u otros medicamentos después de un "
            "trasplante."
        ),
        "public_label": "Tiene una enfermedad autoinmune o las defensas bajas",
        "patient_message": (
            "Por el estado de su sistema inmunológico, un médico revisará sus respuestas antes "
            "de confirmar su cita."
        ),
    },
    "cancer_treatment": {
        "text": "¿Ha recibido quimioterapia o radioterapia en los últimos 12 meses?",
        "public_label": "Recibió quimioterapia o radioterapia en los últimos 12 meses",
        "patient_message": (
            "Como recibió quimioterapia o radioterapia recientemente, un médico revisará sus "
            "respuestas antes de confirmar su cita."
        ),
    },
    "pigment_history": {
        "text": (
            "¿Tiene melasma, o le han quedado manchas oscuras después de un grano, una "
            "lesión, una quemadura u otro tratamiento?"
        ),
        "help_text": (
            "El melasma son manchas cafés irregulares, frecuentes en mejillas, frente o bigote."
        ),
        "public_label": (
            "Tiene melasma o le quedan manchas (hiperpigmentación posinflamatoria) cuando la "
            "piel se inflama o se lastima"
        ),
        "patient_message": (
            "Como su piel tiende a mancharse después de inflamarse, un médico revisará sus "
            "respuestas antes de confirmar su cita. Puede proponerle primero una prueba en "
            "una zona pequeña o una intensidad más suave."
        ),
    },
    "vitiligo_psoriasis": {
        "text": "¿Tiene vitíligo o psoriasis, aunque en este momento esté tranquilo?",
        "help_text": (
            "Con estas enfermedades, las pequeñas lesiones en la piel a veces provocan nuevas "
            "placas o manchas."
        ),
        "public_label": "Tiene vitíligo o psoriasis",
        "patient_message": (
            "Como el vitíligo y la psoriasis pueden aparecer donde la piel se lastima, un "
            "médico revisará sus respuestas antes de confirmar su cita."
        ),
    },
    "tattoo": {
        "text": "¿Tiene un tatuaje o maquillaje permanente en la zona a tratar?",
        "help_text": (
            "Por ejemplo cejas con microblading, o delineado de ojos o color de labios tatuados."
        ),
        "public_label": "Tiene un tatuaje o maquillaje permanente en la zona",
        "patient_message": (
            "No pasamos las microagujas sobre tatuajes ni maquillaje permanente, así que un "
            "médico revisará sus respuestas y planeará el tratamiento alrededor de ellos antes "
            "de confirmar su cita."
        ),
    },
    "implants": {
        "text": (
            "¿Tiene hilos tensores, o relleno permanente o de larga duración (como silicón), "
            "en la zona a tratar?"
        ),
        "public_label": "Tiene hilos o relleno permanente en la zona",
        "patient_message": (
            "Por los hilos o el relleno que tiene en la zona, un médico revisará sus "
            "respuestas antes de confirmar su cita."
        ),
    },
    "recent_treatments": {
        "text": (
            "En los últimos 6 meses, ¿se ha hecho en la zona a tratar alguno de estos: relleno "
            "o toxina botulínica, peeling químico, tratamiento con láser o luz, o depilación "
            "con cera u otro método, o se ha quemado con el sol ahí?"
        ),
        "help_text": (
            "Rasurarse no cuenta. Si responde «Sí», indique la fecha de los que se hizo (una "
            "fecha aproximada está bien)."
        ),
    },
    "filler_botox_date": {
        "text": (
            "¿Cuándo fue la última vez que se aplicó relleno o toxina botulínica (por ejemplo "
            "Botox) en la zona? Déjelo vacío si no se lo aplicó."
        ),
        "public_label": (
            "Se aplicó relleno o toxina botulínica en la zona en las últimas dos semanas"
        ),
        "patient_message": (
            "Se aplicó relleno o toxina botulínica en la zona hace poco, así que la fecha más "
            "próxima en que puede agendar es dos semanas después, y un médico revisará sus "
            "respuestas antes de confirmar."
        ),
    },
    "light_peel_date": {
        "text": (
            "¿Cuándo fue su último peeling químico superficial en la zona? Déjelo vacío si no "
            "se lo hizo."
        ),
        "help_text": (
            "Un peeling superficial deja la piel rosada o con descamación unos días como "
            "máximo; por ejemplo, un peeling de ácido glicólico o salicílico."
        ),
        "public_label": (
            "Se hizo un peeling químico superficial en la zona en las últimas dos semanas"
        ),
        "patient_message": (
            "Se hizo un peeling en la zona hace poco, así que la fecha más próxima en que puede "
            "agendar es dos semanas después, y un médico revisará sus respuestas antes de "
            "confirmar."
        ),
    },
    "deep_peel_date": {
        "text": (
            "¿Cuándo fue su último peeling químico medio o profundo en la zona? Déjelo vacío "
            "si no se lo hizo."
        ),
        "help_text": (
            "Por ejemplo un peeling de TCA o de fenol, con una semana o más de descamación o "
            "costras. Si no sabe de qué tipo fue, anótelo aquí."
        ),
        "public_label": (
            "Se hizo un peeling químico medio o profundo en la zona en los últimos 3 meses"
        ),
        "patient_message": (
            "Después de un peeling medio o profundo la piel necesita unos tres meses para "
            "recuperarse; esa es la fecha más próxima en que puede agendar, y un médico "
            "revisará sus respuestas antes de confirmar."
        ),
    },
    "ablative_laser_date": {
        "text": (
            "¿Cuándo fue su último láser de rejuvenecimiento ablativo (como láser de CO2 o de "
            "erbio) en la zona? Déjelo vacío si no se lo hizo."
        ),
        "help_text": (
            "Los láseres ablativos retiran una capa de piel y la dejan en carne viva o con "
            "costras varios días. Si no sabe qué tipo de láser fue, anótelo aquí."
        ),
        "public_label": "Se hizo un láser ablativo en la zona en los últimos 6 meses",
        "patient_message": (
            "Después de un láser ablativo la piel necesita unos seis meses para recuperarse; "
            "esa es la fecha más próxima en que puede agendar, y un médico revisará sus "
            "respuestas antes de confirmar."
        ),
    },
    "other_laser_date": {
        "text": (
            "¿Cuándo fue su último tratamiento con otro láser o luz en la zona (como IPL o "
            "depilación láser)? Déjelo vacío si no se lo hizo."
        ),
        "help_text": "Tratamientos que no abren la piel y la dejan roja uno o dos días.",
        "public_label": "Se hizo un tratamiento con láser o luz en la zona en el último mes",
        "patient_message": (
            "Se hizo un tratamiento con láser o luz en la zona hace poco, así que la fecha más "
            "próxima en que puede agendar es un mes después, y un médico revisará sus "
            "respuestas antes de confirmar."
        ),
    },
    "sunburn_date": {
        "text": (
            "¿Cuándo fue la última vez que se quemó con el sol en la zona a tratar? Déjelo "
            "vacío si no se quemó."
        ),
        "instruction": (
            "No exponga al sol la zona a tratar antes de su cita. Si ese día la piel sigue "
            "roja, adolorida o descamándose, comuníquese con nosotros para cambiar su cita."
        ),
    },
    "hair_removal_date": {
        "text": (
            "¿Cuándo fue la última vez que usó cera, depiladora eléctrica o crema depilatoria "
            "en la zona a tratar? Déjelo vacío si no lo hizo."
        ),
        "help_text": "Rasurarse no cuenta.",
        "instruction": (
            "Por favor no use cera, depiladora eléctrica ni cremas depilatorias en la zona a "
            "tratar durante los 5 días previos a su cita."
        ),
    },
    "nsaids": {
        "text": (
            "¿Toma analgésicos antiinflamatorios como ibuprofeno o naproxeno, o aspirina sin "
            "receta médica?"
        ),
        "instruction": (
            "Por favor suspenda el ibuprofeno, el naproxeno y la aspirina 3 a 5 días antes de "
            "su cita, a menos que se los haya recetado su médico: en ese caso siga tomándolos "
            "y avísenos."
        ),
    },
    "retinoids": {
        "text": (
            "¿Usa en la zona a tratar cremas con retinoides o retinol, o ácidos exfoliantes "
            "(como el ácido glicólico o el salicílico)?"
        ),
        "instruction": (
            "Por favor deje de usar productos con retinoides o retinol y ácidos exfoliantes en "
            "la zona 3 días antes de su cita."
        ),
    },
}
