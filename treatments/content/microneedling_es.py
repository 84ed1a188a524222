"""The microneedling page in Spanish: the same facts as treatments/content/microneedling.py,
written for Mexican patients (usted), not translated word for word.

Keyed like the English: the treatment's translated fields by name, sections by kind,
frequent questions by key. ``load_clinic_content`` writes these into the Spanish columns
(django-modeltranslation) with the same rule as the English: never over a staff edit.
Medical terms as a clinic in Mexico uses them: microagujas (microneedling), isotretinoína
(Roaccutan), relleno, toxina botulínica, peeling químico, manchas (hiperpigmentación
posinflamatoria), melasma, protector solar FPS 30–50.
"""

# The one sun-protection rule (microneedling.SUN_PROTECTION), word for word wherever it
# appears in Spanish.
SUN_PROTECTION = (
    "Durante al menos la primera semana después de cada sesión, evite el sol directo en la "
    "piel tratada y aplique todos los días protector solar de amplio espectro FPS 30–50."
)

TREATMENT: dict[str, str] = {
    "name": "Microagujas (microneedling)",
    "summary": (
        "El tratamiento con microagujas (microneedling), también llamado terapia de inducción "
        "de colágeno, utiliza un dispositivo estéril con agujas muy finas que abren "
        "microcanales controlados en la piel. La piel responde con su propio proceso de "
        "reparación y produce colágeno y elastina nuevos, lo que poco a poco puede suavizar "
        "cicatrices de acné, líneas finas, poros abiertos y textura irregular. La visita dura "
        "hasta unas dos horas, incluido el tiempo para que haga efecto la crema anestésica."
    ),
    "seo_description": (
        "Microagujas (microneedling) en Tijuana: tratamiento mínimamente invasivo que renueva "
        "el colágeno de su piel para suavizar cicatrices, líneas y textura."
    ),
    "visit_instructions": "\n".join(
        [
            "Llegue unos 10 minutos antes para que podamos aplicar la crema anestésica en "
            "cuanto empiece su cita.",
            "Venga con la piel limpia y sin maquillaje en la zona a tratar.",
            "Considere hasta unas 2 horas para toda la visita.",
            "Evite el alcohol y el ejercicio intenso durante las 24 horas previas a su cita.",
            "En los días anteriores, no exponga la zona al sol fuerte ni use camas de bronceado.",
            SUN_PROTECTION,
            "Traiga sombrero y protector solar para el camino de regreso.",
        ]
    ),
    "hero_image_alt": (
        "Ilustración de las capas de la piel con finas fibras de colágeno y diminutas puntas "
        "de agujas en la superficie, en tonos durazno y verde azulado suaves."
    ),
}

HOW_IT_WORKS = """\
El tratamiento con microagujas, también conocido como terapia de inducción de colágeno, es \
un procedimiento mínimamente invasivo. Su especialista desliza sobre la piel un dispositivo \
con agujas estériles muy finas, que abren miles de microcanales controlados en la superficie.

La piel interpreta esos microcanales como pequeñas lesiones y pone en marcha su proceso \
natural de reparación. Parte de esa reparación es producir **colágeno** y **elastina** \
nuevos, las dos proteínas que mantienen la piel firme y elástica. En las semanas siguientes, \
la piel renovada suele verse más lisa y de textura más fina.

Conviene que sepa lo siguiente:

- La profundidad de las agujas se ajusta a su piel y a lo que se quiere tratar, así que su \
plan es personalizado.
- Mientras los microcanales están abiertos, lo que se aplica sobre la piel penetra más. Por \
eso solo usamos productos estériles hechos para piel recién tratada con microagujas: otros \
sueros y cremas han causado bultos duraderos (reacciones de tipo granuloma).
- Como el cambio viene de la reparación de su propia piel, la mejoría es gradual; no \
aparece de un día para otro.
- La cara es la zona más frecuente, pero también se pueden tratar otras, por ejemplo las \
estrías en muslos o abdomen.
"""

BENEFITS = """\
Las microagujas pueden dar una mejoría moderada en algunas preocupaciones comunes de la \
piel. Los resultados varían de una persona a otra, y su especialista le dirá con honestidad \
qué es realista esperar en su caso.

La mejor evidencia es para:

- suavizar el aspecto de las cicatrices de acné, sobre todo las onduladas y las cicatrices \
en caja (boxcar), y de algunas otras cicatrices
- emparejar la textura áspera o irregular
- disminuir el aspecto de las líneas finas

También puede ayudar a:

- que los poros abiertos se noten menos
- disminuir el aspecto de las estrías

En las manchas y el tono disparejo los resultados varían: en algunas personas se aclaran, y \
en otras, sobre todo con piel morena u oscura o con melasma, pueden oscurecerse. Las \
microagujas no reafirman la piel que ya está flácida.

### Por qué lo eligen nuestros pacientes

- **Poco tiempo de recuperación:** el enrojecimiento suele bajar en uno a tres días, y la \
mayoría retoma su rutina en cuanto se siente cómoda.
- **Trabaja con su propia piel:** la mejoría viene del proceso de reparación de su piel; no \
queda nada dentro de ella.
- **Personalizado:** las zonas y la profundidad de las agujas se ajustan a su piel y a sus \
objetivos.
- **Apto para muchos tipos de piel**, después de revisar su historial de salud y su piel. \
En piel morena u oscura cuidamos especialmente el riesgo de manchas (vea los riesgos más \
abajo).
"""

RISKS = """\
Las microagujas suelen tolerarse bien, y la mayoría de los efectos secundarios son leves y \
pasajeros. Aun así, el tratamiento abre la piel y por eso tiene algunos riesgos. Su \
especialista los revisará con usted antes de la primera sesión.

### Frecuentes y esperados

- **Enrojecimiento e hinchazón leve**, parecidos a una quemadura de sol leve, que suelen \
bajar en uno a tres días.
- **Calor, tirantez, comezón o sensibilidad** durante uno o dos días.
- **Pequeños puntos de sangrado** durante el tratamiento y, de vez en cuando, **moretones \
pequeños**, más probables donde las agujas trabajan a mayor profundidad.
- **Resequedad y descamación ligera** en los días siguientes, mientras la piel se renueva.

### Poco frecuentes o raros

- **Infección.** Las agujas son estériles, y el riesgo es bajo si sigue los cuidados \
posteriores.
- **Cambios en el color de la piel.** Las manchas oscuras después de que la piel se inflama \
(hiperpigmentación posinflamatoria) son poco frecuentes en general, pero más probables en \
piel morena u oscura, en personas con melasma y cuando la piel recibe sol mientras sana; \
las manchas claras son más raras. Si este es su caso, lo hablamos en su consulta y podemos \
proponer primero una prueba en una zona pequeña o una intensidad más suave. Estas manchas \
suelen desvanecerse en semanas o meses.
- **Cicatrices**, que son raras.
- **Un brote de herpes labial (fuegos)** en quienes los padecen. Si los ha tenido, avísenos: \
el médico puede indicarle un medicamento para ayudar a prevenirlo.
- **Irritación o reacción a productos** aplicados durante el tratamiento o justo después. \
Se han reportado bultos duraderos (reacciones de tipo granuloma) cuando se usaron productos \
no hechos para piel tratada con microagujas; nosotros solo usamos productos estériles \
hechos para ello.

Una técnica cuidadosa, en manos de personal capacitado, y buenos cuidados posteriores \
mantienen bajos estos riesgos. Si el enrojecimiento, la hinchazón o el dolor empeoran en \
lugar de mejorar después de los primeros días, o nota pus o fiebre, comuníquese con \
nosotros de inmediato.

El cuestionario de salud que usted llena al agendar revisa si hay razones por las que las \
microagujas no sean adecuadas para usted o deban esperar. Aparecen en la lista de abajo.
"""

PREPARATION = """\
Al agendar en línea usted responde un breve cuestionario de salud. Con él detectamos \
cualquier cosa por la que su tratamiento deba esperar o que un médico deba revisar antes. \
Por favor respóndalo con cuidado; solo nuestro personal clínico ve sus respuestas.

### En los días previos

- **Analgésicos:** si toma ibuprofeno, naproxeno o aspirina sin receta médica, suspéndalos \
3 a 5 días antes de su cita. Nunca suspenda un medicamento que le recetó su médico sin \
consultarlo antes; solo avísenos que lo toma.
- **Isotretinoína (por ejemplo Roaccutan):** debe suspenderse con bastante anticipación \
antes de las microagujas. El cuestionario le pregunta cuándo la tomó por última vez.
- **Cuidado de la piel:** deje de usar retinoides, retinol y ácidos exfoliantes (como el \
ácido glicólico o el salicílico) en la zona 3 días antes. Si tiene dudas sobre algún \
producto, pregúntenos.
- **Sol:** evite broncearse, las camas de bronceado y el sol fuerte en la zona durante \
varios días. Si se quema con el sol en esa zona, el cuestionario le pregunta cuándo, y su \
cita espera hasta que la piel haya sanado.
- **Depilación:** no use cera, depiladora eléctrica ni cremas depilatorias en la zona \
durante los 5 días previos. Rasurarse sí está permitido.
- **Piel sana:** la zona debe estar libre de infecciones, herpes labial (fuegos), heridas \
abiertas y acné inflamado. Si algo se le inflama, comuníquese con nosotros y le buscamos \
otro horario.

### Un día antes y el día de su cita

- Evite el alcohol y el ejercicio intenso durante las 24 horas previas.
- Tome suficiente agua.
- Venga con la piel limpia y sin maquillaje en la zona.
- Llegue unos 10 minutos antes para que podamos aplicar la crema anestésica de inmediato.

### Si viene desde Estados Unidos

- Considere tiempo de sobra para el viaje y para cruzar la frontera. La visita puede durar \
hasta unas dos horas.
- Traiga sombrero y protector solar para el regreso.
- Traiga una lista de los medicamentos que toma.
"""

WHAT_TO_EXPECT = """\
Calcule hasta unas dos horas en la clínica. La mayor parte de ese tiempo es para que actúe \
la crema anestésica; el tratamiento con microagujas en sí dura unos 30 minutos.

1. **Bienvenida y revisión de la piel.** Su especialista repasa sus respuestas de salud, \
revisa su piel y acuerda con usted qué zonas tratar y a qué profundidad.
2. **Limpieza.** Se limpia la zona para retirar maquillaje, grasa e impurezas.
3. **Crema anestésica.** Se aplica una crema anestésica (anestesia tópica) que se deja \
actuar de 45 a 60 minutos mientras usted descansa.
4. **Microagujas.** Se retira la crema, puede aplicarse un producto estéril hecho para piel \
tratada con microagujas, y el dispositivo se pasa de manera uniforme sobre la piel, zona por \
zona. Esto dura unos 30 minutos. La mayoría de las personas siente un leve raspado o una \
vibración; gracias a la crema anestésica la molestia es leve. Ayuda mantenerse quieto, y \
puede pedir una pausa en cualquier momento.
5. **Calmar la piel y cuidados posteriores.** Se aplica un producto calmante, repasamos con \
usted los cuidados posteriores y se los damos por escrito.

Justo después, su piel se verá de rosada a roja, como con una quemadura de sol leve, y puede \
sentirse caliente y tirante. Puede irse a casa en cuanto se sienta bien.
"""

AFTERCARE = f"""\
Unos buenos cuidados posteriores ayudan a que su piel sane bien y mantienen bajo el riesgo \
de efectos secundarios. Su especialista le dará indicaciones para su piel; estas son las \
reglas generales.

### Las primeras 24 horas

- Toque la piel tratada lo menos posible, y solo con las manos limpias.
- No use maquillaje durante al menos 24 horas, y espere a que su piel se haya calmado antes \
de usar maquillaje con color en la zona.
- Si necesita lavarse, use agua tibia y un limpiador suave.

### Las primeras 48 horas

- Evite el sauna, las camas de bronceado, el ejercicio intenso y el alcohol.
- Use solo los productos que le damos o le recomendamos. El primer o segundo día no aplique \
nada más sobre la piel tratada, ni siquiera los sueros que usa en casa: no están hechos para \
piel con microcanales abiertos.
- Después, use una crema humectante suave y calmante, por ejemplo con pantenol o sábila \
(aloe vera).

### La primera semana

- Proteja su piel del sol: estará más sensible por un tiempo, y el sol aumenta el riesgo de \
manchas. {SUN_PROTECTION} Un sombrero también ayuda.
- Deje de lado los productos agresivos, como retinoides, ácidos exfoliantes y exfoliantes \
con gránulos, hasta que su piel se haya calmado por completo.
- Deje que la piel que se descama se desprenda sola; no la arranque ni la talle.

### Cuándo comunicarse con nosotros

Si el enrojecimiento, la hinchazón o el dolor empeoran en lugar de mejorar después de dos o \
tres días, o nota pus o fiebre, comuníquese con nosotros de inmediato. Si ya regresó a \
Estados Unidos, llámenos o escríbanos y le orientamos.
"""

RESULTS = """\
Muchas personas notan la piel más luminosa en uno o dos días, en cuanto baja el primer \
enrojecimiento. El cambio de fondo tarda más: el colágeno nuevo se forma poco a poco, así \
que la mejoría más clara suele verse alrededor de un mes después de cada sesión y sigue \
avanzando después.

### Cuántas sesiones

- La mayoría empieza con un ciclo de **3 a 6 sesiones**, con **4 a 6 semanas** entre una y \
otra para que la piel se repare.
- El número adecuado depende de su piel y de lo que quiera mejorar; las cicatrices, por \
ejemplo, suelen necesitar varias sesiones.
- Para mantener los resultados, a menudo se recomienda una sesión de mantenimiento cada \
**6 a 12 meses**.

### Expectativas realistas

Las microagujas mejoran el aspecto de la piel paso a paso, y el cambio suele ser moderado. \
Suavizan cicatrices y líneas, pero no las borran, no levantan la piel flácida y los \
resultados varían de una persona a otra. El protector solar y una rutina suave de cuidado \
de la piel le ayudan a conservar la mejoría. En su primera visita platicaremos sobre lo que \
puede esperar para su piel.
"""

# kind -> (title, body), for each of microneedling.SECTIONS.
SECTIONS: dict[str, tuple[str, str]] = {
    "how_it_works": ("Cómo funcionan las microagujas", HOW_IT_WORKS),
    "benefits": ("En qué pueden ayudar las microagujas", BENEFITS),
    "risks": ("Riesgos y efectos secundarios", RISKS),
    "preparation": ("Cómo prepararse para su cita", PREPARATION),
    "what_to_expect": ("Qué esperar el día de su cita", WHAT_TO_EXPECT),
    "aftercare": ("Cuidados posteriores", AFTERCARE),
    "results": ("Resultados y número de sesiones", RESULTS),
}

# key -> (question, answer in Markdown), for each of microneedling.FAQS.
FAQS: dict[str, tuple[str, str]] = {
    "pain": (
        "¿Duelen las microagujas?",
        "La mayoría lo describe como un leve raspado o una vibración. La crema anestésica se "
        "aplica de 45 a 60 minutos antes del tratamiento, así que la molestia es leve. Puede "
        "pedir una pausa en cualquier momento. Después, la piel puede sentirse caliente y "
        "tirante, como con una quemadura de sol leve, durante uno o dos días.",
    ),
    "visit_length": (
        "¿Cuánto dura la cita?",
        "Hasta unas dos horas en total. La crema anestésica necesita de 45 a 60 minutos para "
        "hacer efecto, el tratamiento con microagujas dura unos 30 minutos y el resto del "
        "tiempo es para revisar su piel y explicarle los cuidados posteriores.",
    ),
    "sessions": (
        "¿Cuántas sesiones voy a necesitar?",
        "La mayoría de las personas hace un ciclo de 3 a 6 sesiones, con 4 a 6 semanas entre "
        "una y otra. Su especialista le propondrá un plan según su piel y sus objetivos. Para "
        "mantener los resultados, a menudo se recomienda una sesión de mantenimiento cada 6 a "
        "12 meses.",
    ),
    "results_timing": (
        "¿Cuándo veré resultados?",
        "Muchas personas notan la piel más luminosa en uno o dos días. Como el colágeno nuevo "
        "se forma poco a poco, la mejoría más clara suele verse alrededor de un mes después de "
        "cada sesión y va aumentando con cada sesión del ciclo.",
    ),
    "downtime": (
        "¿Cuánto tiempo de recuperación necesito?",
        "Normalmente muy poco. Espere enrojecimiento e hinchazón leve de uno a tres días. No "
        "use maquillaje durante al menos 24 horas, y evite el sauna, el ejercicio intenso y el "
        "alcohol durante 48 horas. La mayoría regresa al trabajo o a la escuela en cuanto se "
        "siente cómoda.",
    ),
    "skin_types": (
        "¿Las microagujas son adecuadas para mi tipo de piel?",
        "Se pueden usar en muchos tipos de piel. Las manchas oscuras después del tratamiento "
        "son más probables en piel morena u oscura, en personas con melasma y cuando la piel "
        "recibe sol mientras sana. Si este es su caso, lo platicamos en su consulta y podemos "
        "proponer primero una prueba en una zona pequeña o una intensidad más suave. Antes de "
        "tratarle revisamos sus respuestas de salud y su piel. " + SUN_PROTECTION,
    ),
    "pregnancy": (
        "¿Puedo hacerme microagujas si estoy embarazada o en periodo de lactancia?",
        "No. No realizamos microagujas durante el embarazo ni la lactancia. Hay poca "
        "información sobre su seguridad en esta etapa, y durante el embarazo la piel tiende "
        "más a mancharse. Con gusto le atenderemos después.",
    ),
    "cold_sores": (
        "A veces me salen fuegos (herpes labial). ¿Puedo agendar?",
        "Sí, siempre que no tenga uno en este momento. Si le van a tratar la cara, indíquelo "
        "en el cuestionario: un médico revisará sus respuestas antes de confirmar su cita y "
        "puede indicarle un medicamento para ayudar a prevenir un brote después del "
        "tratamiento. Si le sale un fuego antes de su cita, comuníquese con nosotros para "
        "cambiarla.",
    ),
    "stop_before": (
        "¿Qué debo dejar de tomar o de usar antes de mi cita?",
        "- Ibuprofeno, naproxeno o aspirina sin receta médica: suspéndalos 3 a 5 días "
        "antes.\n"
        "- Retinoides, retinol y ácidos exfoliantes en la zona: suspéndalos 3 días antes.\n"
        "- La isotretinoína (por ejemplo Roaccutan) debe suspenderse con bastante "
        "anticipación; el cuestionario le pregunta cuándo la tomó por última vez.\n\n"
        "Nunca suspenda un medicamento que le recetó su médico sin consultarlo antes.",
    ),
    "areas": (
        "¿Qué zonas se pueden tratar?",
        "La cara es la zona más frecuente. También se pueden tratar otras partes del cuerpo, "
        "por ejemplo muslos o abdomen para las estrías. Su especialista le dirá en su cita "
        "qué es adecuado para usted.",
    ),
    "makeup": (
        "¿Puedo maquillarme después del tratamiento?",
        "Por favor espere al menos 24 horas, y no use maquillaje con color en la zona hasta que "
        "su piel se haya calmado. Después, el maquillaje puede cubrir el enrojecimiento que "
        "quede.",
    ),
    "home_roller": (
        "¿Un rodillo dermaroller para casa es lo mismo?",
        "No. Los dispositivos que se venden para uso en casa trabajan mucho más en la "
        "superficie y no dan los mismos resultados que un tratamiento profesional. Si piensa "
        "usar algo así entre sesiones, consúltelo antes con su especialista.",
    ),
    "travel": (
        "Vengo desde Estados Unidos. ¿Qué debo considerar?",
        "Los horarios de este sitio están en hora local de Tijuana. Considere tiempo para "
        "cruzar la frontera y hasta unas dos horas para la visita. Traiga sombrero y protector "
        "solar para el regreso, y una lista de los medicamentos que toma. Si tiene dudas ya en "
        "casa, llámenos o escríbanos.",
    ),
    "review": (
        "¿Qué pasa si un médico necesita revisar mis respuestas?",
        "Algunas respuestas, como tomar medicamentos anticoagulantes, hacen que un médico "
        "revise su cuestionario antes de confirmar su cita. Mientras tanto, su horario queda "
        "apartado para usted, y le avisaremos por correo en cuanto se confirme, o nos "
        "comunicaremos con usted si necesitamos platicar antes.",
    ),
}
