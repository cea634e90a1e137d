# hubbench in a container: the bench (CLI, dispatcher, engine, reference vendors, console). Its RabbitMQ node
# is the official `rabbitmq` image, configured by this image (compose.yaml; README « Installation »).
#   docker build -t hubbench:local .
FROM python:3.11-slim

WORKDIR /src
# The wheel's build inputs (setup.py copies bench_app, features, steps and schemas into the package).
COPY pyproject.toml setup.py MANIFEST.in README.md ./
COPY hubbench ./hubbench
COPY bench_app ./bench_app
COPY features ./features
COPY steps ./steps
COPY schemas ./schemas
RUN pip install --no-cache-dir ".[postgres]" && rm -rf /src

ENV HUBBENCH_HOME=/hubbench
VOLUME /hubbench
WORKDIR /hubbench
EXPOSE 8501
ENTRYPOINT ["hubbench"]
CMD ["--help"]
