"""The Service, Ingress and WordPress sections' manifests, verbatim from the course notes."""

NGINX_CONF = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: nginx-conf

data:
  default.conf: |
    server {
      listen 80;
      location / {
        default_type text/plain;
        return 200
          'srv : $server_addr:$server_port\\nhost: $hostname\\nuri : $request_method $host $request_uri\\ndate: $time_iso8601\\n';
      }
    }
"""

NGINX_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment

spec:
  replicas: 2
  selector:
    matchLabels:
      app: nginx-deployment
  template:
    metadata:
      labels:
        app: nginx-deployment
    spec:
      volumes:
      - name: nginx-conf-vol
        configMap:
          name: nginx-conf
      containers:
      - name: nginx
        image: nginx:alpine
        ports:
        - containerPort: 80
        volumeMounts:
        - mountPath: /etc/nginx/conf.d
          name: nginx-conf-vol
"""

NGINX_SVC = """\
apiVersion: v1
kind: Service
metadata:
  name: nginx-svc

spec:
  ports:
  - port: 80
    protocol: TCP
    targetPort: 80
  selector:
    app: nginx-deployment
"""

NGINX_SVC_NODEPORT = NGINX_SVC + "  type: NodePort\n"

NGINX_ING = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: nginx-ing
spec:
  ingressClassName: nginx-inc
  rules:
    - host: nginx.local
      http:
        paths:
          - path: /
            pathType: Exact
            backend:
              service:
                name: nginx-svc
                port:
                  number: 80

---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: nginx-inc
spec:
  controller: nginx.org/ingress-controller
"""

NGINX_INGRESS_NS = """\
apiVersion: v1
kind: Namespace
metadata:
  name: nginx-ingress
"""

NGINX_ING_CTL = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-ing-ctl
  namespace: nginx-ingress

spec:
  replicas: 1
  selector:
    matchLabels:
      app: nginx-ing-ctl
  template:
    metadata:
      labels:
        app: nginx-ing-ctl
    spec:
      containers:
      - name: app
        image: nginx/nginx-ingress:2.2-alpine
        args:
        - -ingress-class=nginx-inc
"""

NGINX_ING_CTL_SVC = """\
apiVersion: v1
kind: Service
metadata:
  name: nginx-ing-ctl-svc
  namespace: nginx-ingress

spec:
  ports:
  - port: 80
    protocol: TCP
    targetPort: 80
  selector:
    app: nginx-ing-ctl
  type: NodePort
"""

MARIA_CM = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: maria-cm

data:
  DATABASE: 'db'
  USER: 'wp'
  PASSWORD: '123'
  ROOT_PASSWORD: '123'
"""

MARIA_DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: maria-deploy
  labels:
    app: maria-deploy

spec:
  replicas: 1
  selector:
    matchLabels:
      app: maria-deploy
  template:
    metadata:
      labels:
        app: maria-deploy
    spec:
      containers:
      - name: maria
        image: mariadb:10
        ports:
        - containerPort: 3306
        envFrom:
        - prefix: 'MARIADB_'
          configMapRef:
            name: maria-cm
"""

MARIA_SVC = """\
apiVersion: v1
kind: Service
metadata:
  name: maria-svc
  labels:
    app: maria-deploy

spec:
  ports:
  - port: 3306
    protocol: TCP
    targetPort: 3306
  selector:
    app: maria-deploy
"""

WP_CM = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: wp-cm

data:
  HOST: 'maria-svc'
  USER: 'wp'
  PASSWORD: '123'
  NAME: 'db'
"""

WP_DEPLOY = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: wp-deploy
  labels:
    app: wp-deploy

spec:
  replicas: 2
  selector:
    matchLabels:
      app: wp-deploy
  template:
    metadata:
      labels:
        app: wp-deploy
    spec:
      containers:
      - name: wp
        image: wordpress:5
        ports:
        - containerPort: 80
        envFrom:
        - prefix: 'WORDPRESS_DB_'
          configMapRef:
            name: wp-cm
"""

WP_SVC = """\
apiVersion: v1
kind: Service
metadata:
  name: wp-svc
  labels:
    app: wp-deploy

spec:
  ports:
  - name: http80
    port: 80
    protocol: TCP
    targetPort: 80
    nodePort: 30088
  selector:
    app: wp-deploy
  type: NodePort
"""

WP_INK = """\
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata:
  name: wp-ink

spec:
  controller: nginx.org/ingress-controller
"""

WP_ING = """\
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: wp-ing

spec:
  ingressClassName: wp-ink
  rules:
  - host: wp.test
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: wp-svc
            port:
              number: 80
"""

WP_ING_CTL = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: wp-ing-ctl
  namespace: nginx-ingress

spec:
  replicas: 1
  selector:
    matchLabels:
      app: wp-ing-ctl
  template:
    metadata:
      labels:
        app: wp-ing-ctl
    spec:
      serviceAccountName: nginx-ingress
      hostNetwork: true
      containers:
      - name: ctl
        image: nginx/nginx-ingress:2.2-alpine
        args:
        - -ingress-class=wp-ink
"""
