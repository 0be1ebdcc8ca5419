/*
 * puray.c - a scalar C renderer of Puray scenes, for the exactness tests.
 *
 * Written from the description of Puray's math (the same description ../shared/bench/ref.c
 * follows, which has only the two-balls scene built in and room for 16 spheres): this one
 * reads any Puray scene as a text description (tests/reference/describe.py writes it from a
 * loaded scene) and renders it one pixel at a time, in plain double arithmetic.
 *
 *   - Puray's pinhole: rays from the camera through (x, y, 0), x from -1 to 1 across the
 *     columns, y from -1/aspect to 1/aspect down the rows (aspect = width / height)
 *   - spheres: the near root of |o + t d - c|^2 = r^2 only, where it is positive (a ray that
 *     starts inside a sphere does not hit it); the nearest sphere wins, ties to the first
 *   - colour = white * ambient + per light: (surface colour * diffuse) * max(n.L, 0) +
 *     (light colour * specular) * max(n.h, 0)^k, h = unit(L + (camera - p)) (the camera
 *     vector is not normalised), k the material's exponent (Puray: 50)
 *   - with shadows (not Puray's; the engine's option): a light counts only if no sphere's
 *     near root lies between p + n * MIN_DISPLACE and the light (closer than |light - p|)
 *   - mirror reflection to a depth limit, from p + n * MIN_DISPLACE, colour = local +
 *     reflection * child
 *   - surface colours: plain; Puray's chessboard (int((x + 5) * 3) and int(z * 3) of equal
 *     parity: colour 1, else colour 2; int truncates, the parity is of the magnitude); and
 *     the test scene's stripes (int((y + 10) / width) even: colour 1, else colour 2)
 *   - bytes: round half to even of clamp(c * 255, 0, 255)
 * Every expression keeps Puray's left-to-right order: build with -ffp-contract=off.
 *
 * Description, one item a line, numbers as C99 hex floats (exact):
 *   camera X Y Z
 *   light X Y Z R G B
 *   sphere CX CY CZ RADIUS KIND AMBIENT DIFFUSE SPECULAR REFLECTION K R1 G1 B1 R2 G2 B2 W
 * KIND: plain | chequered | stripes (W: the stripes' width).
 * Usage: puray SCENE.txt WIDTH HEIGHT OUT.ppm [DEPTH [SHADOWS]]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { double x, y, z; } vec;

static vec add(vec a, vec b) { return (vec){a.x + b.x, a.y + b.y, a.z + b.z}; }
static vec sub(vec a, vec b) { return (vec){a.x - b.x, a.y - b.y, a.z - b.z}; }
static vec mul(vec a, double s) { return (vec){a.x * s, a.y * s, a.z * s}; }
static double dot(vec a, vec b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
static vec unit(vec a) {
    double m = sqrt(dot(a, a));
    return (vec){a.x / m, a.y / m, a.z / m};
}

enum { PLAIN, CHEQUERED, STRIPES };

typedef struct {
    vec c;
    double r;
    int kind;
    double ambient, diffuse, specular, reflection, k;
    vec c1, c2;
    double width;
} sphere;

typedef struct { vec pos, col; } light;

static sphere *spheres;
static int nspheres;
static light *lights;
static int nlights;
static vec camera;
static int max_depth = 5;
static int shadows;
static const double MIN_DISPLACE = 0.0001;

static long parity(long k) { return k % 2 == 0 ? 0 : 1; }

static vec surface(const sphere *s, vec p) {
    if (s->kind == CHEQUERED) {
        long a = (long)((p.x + 5.0) * 3.0), b = (long)(p.z * 3.0);
        return parity(a) == parity(b) ? s->c1 : s->c2;
    }
    if (s->kind == STRIPES) {
        long a = (long)((p.y + 10.0) / s->width);
        return parity(a) == 0 ? s->c1 : s->c2;
    }
    return s->c1;
}

/* The near root where it is positive, else -1. */
static double near_root(const sphere *s, vec o, vec d) {
    vec so = sub(o, s->c);
    double b = 2 * dot(d, so);
    double c = dot(so, so) - s->r * s->r;
    double disc = b * b - 4 * c;
    if (disc < 0) return -1;
    double t = (-b - sqrt(disc)) / 2;
    return t > 0 ? t : -1;
}

static int nearest(vec o, vec d, double *best) {
    int hit = -1;
    for (int k = 0; k < nspheres; k++) {
        double t = near_root(&spheres[k], o, d);
        if (t > 0 && (hit < 0 || t < *best)) {
            *best = t;
            hit = k;
        }
    }
    return hit;
}

static int blocked(vec q, vec dir, double dist) {
    for (int k = 0; k < nspheres; k++) {
        double t = near_root(&spheres[k], q, dir);
        if (t > 0 && t < dist) return 1;
    }
    return 0;
}

static vec local(const sphere *s, vec p, vec n) {
    vec oc = surface(s, p);
    vec to_camera = sub(camera, p);
    vec col = {s->ambient, s->ambient, s->ambient};
    vec q = add(p, mul(n, MIN_DISPLACE));
    for (int i = 0; i < nlights; i++) {
        vec towards = sub(lights[i].pos, p);
        double dist = sqrt(dot(towards, towards));
        vec L = unit(towards);
        double kd = dot(n, L);
        kd = kd > 0 ? kd : 0;
        double ks = dot(n, unit(add(L, to_camera)));
        ks = pow(ks > 0 ? ks : 0, s->k);
        if (shadows && blocked(q, L, dist)) kd = ks = 0;
        col = add(col, mul(mul(oc, s->diffuse), kd));
        col = add(col, mul(mul(lights[i].col, s->specular), ks));
    }
    return col;
}

static vec trace(vec o, vec d, int depth) {
    double t = 0;
    int k = nearest(o, d, &t);
    if (k < 0) return (vec){0, 0, 0};
    const sphere *s = &spheres[k];
    vec p = add(o, mul(d, t));
    vec n = unit(sub(p, s->c));
    vec col = local(s, p, n);
    if (depth < max_depth && s->reflection != 0) {
        vec o2 = add(p, mul(n, MIN_DISPLACE));
        vec d2 = unit(sub(d, mul(n, 2 * dot(d, n))));
        col = add(col, mul(trace(o2, d2, depth + 1), s->reflection));
    }
    return col;
}

static double num(char **cursor) {
    char *end;
    double v = strtod(*cursor, &end);
    if (end == *cursor) {
        fprintf(stderr, "puray: a number expected at '%.20s'\n", *cursor);
        exit(2);
    }
    *cursor = end;
    return v;
}

static vec triple(char **cursor) {
    vec v;
    v.x = num(cursor);
    v.y = num(cursor);
    v.z = num(cursor);
    return v;
}

static void read_scene(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f) { perror(path); exit(2); }
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        char word[32];
        int used = 0;
        if (sscanf(line, "%31s%n", word, &used) != 1) continue;
        char *cur = line + used;
        if (strcmp(word, "camera") == 0) {
            camera = triple(&cur);
        } else if (strcmp(word, "light") == 0) {
            lights = realloc(lights, sizeof *lights * (nlights + 1));
            lights[nlights].pos = triple(&cur);
            lights[nlights].col = triple(&cur);
            nlights++;
        } else if (strcmp(word, "sphere") == 0) {
            sphere s;
            char kind[32];
            s.c = triple(&cur);
            s.r = num(&cur);
            if (sscanf(cur, "%31s%n", kind, &used) != 1) exit(2);
            cur += used;
            s.kind = strcmp(kind, "chequered") == 0 ? CHEQUERED
                   : strcmp(kind, "stripes") == 0 ? STRIPES : PLAIN;
            s.ambient = num(&cur);
            s.diffuse = num(&cur);
            s.specular = num(&cur);
            s.reflection = num(&cur);
            s.k = num(&cur);
            s.c1 = triple(&cur);
            s.c2 = triple(&cur);
            s.width = num(&cur);
            spheres = realloc(spheres, sizeof *spheres * (nspheres + 1));
            spheres[nspheres++] = s;
        } else {
            fprintf(stderr, "puray: unknown item '%s'\n", word);
            exit(2);
        }
    }
    fclose(f);
}

static unsigned char byte(double c) {
    double v = c * 255;
    v = v > 255 ? 255 : v;
    v = v < 0 ? 0 : v;
    return (unsigned char)rint(v);
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: puray SCENE.txt WIDTH HEIGHT OUT.ppm [DEPTH [SHADOWS]]\n");
        return 2;
    }
    read_scene(argv[1]);
    int w = atoi(argv[2]), h = atoi(argv[3]);
    if (argc > 5) max_depth = atoi(argv[5]);
    if (argc > 6) shadows = atoi(argv[6]);
    unsigned char *img = malloc((size_t)w * h * 3);
    double aspect = (double)w / h;
    double x0 = -1.0, x1 = 1.0, y0 = -1.0 / aspect, y1 = 1.0 / aspect;
    double xstep = w > 1 ? (x1 - x0) / (w - 1) : 0.0;
    double ystep = h > 1 ? (y1 - y0) / (h - 1) : 0.0;
    for (int j = 0; j < h; j++) {
        for (int i = 0; i < w; i++) {
            vec target = {x0 + i * xstep, y0 + j * ystep, 0.0};
            vec c = trace(camera, unit(sub(target, camera)), 0);
            unsigned char *px = img + ((size_t)j * w + i) * 3;
            px[0] = byte(c.x);
            px[1] = byte(c.y);
            px[2] = byte(c.z);
        }
    }
    FILE *f = fopen(argv[4], "wb");
    if (!f) { perror(argv[4]); return 1; }
    fprintf(f, "P6\n%d %d\n255\n", w, h);
    fwrite(img, 1, (size_t)w * h * 3, f);
    fclose(f);
    return 0;
}
