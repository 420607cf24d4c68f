/* Pointer chasing: a singly linked list whose nodes are laid out in a random
 * permutation of a large array (each step is a dependent, cache-missing
 * load), traversed repeatedly; and an unbalanced binary search tree built
 * from random keys, then searched. Size argument: thousands of list nodes
 * (default 1000). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

struct ListNode {
  struct ListNode *next;
  uint64_t value;
};
struct TreeNode {
  struct TreeNode *left, *right;
  uint64_t key;
  uint64_t count;
};

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t nextRandom(void) {
  rng += 0x9E3779B97F4A7C15ull; /* splitmix64 */
  uint64_t z = rng;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

int main(int argc, char **argv) {
  long thousands = argc > 1 ? atol(argv[1]) : 1000;
  if (thousands < 1) {
    fprintf(stderr, "usage: pointer_chase [thousands >= 1]\n");
    return 2;
  }
  size_t n = (size_t)thousands * 1000;
  struct ListNode *nodes = malloc(n * sizeof *nodes);
  size_t *order = malloc(n * sizeof *order);
  for (size_t i = 0; i < n; ++i)
    order[i] = i;
  for (size_t i = n - 1; i > 0; --i) { /* Fisher-Yates */
    size_t j = nextRandom() % (i + 1);
    size_t t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (size_t i = 0; i < n; ++i) {
    nodes[order[i]].next = i + 1 < n ? &nodes[order[i + 1]] : NULL;
    nodes[order[i]].value = i * 2654435761u;
  }
  uint64_t sum = 0;
  size_t steps = 0;
  for (int pass = 0; pass < 12; ++pass)
    for (struct ListNode *p = &nodes[order[0]]; p; p = p->next) {
      sum += p->value ^ (uint64_t)pass;
      ++steps;
    }
  printf("list: %zu nodes, %zu steps, sum %016llx\n", n, steps, (unsigned long long)sum);

  size_t treeSize = n / 2;
  struct TreeNode *pool = calloc(treeSize, sizeof *pool);
  struct TreeNode *root = NULL;
  size_t used = 0, duplicates = 0, maxDepth = 0;
  for (size_t i = 0; i < treeSize; ++i) {
    uint64_t key = nextRandom() % (treeSize * 4);
    struct TreeNode **link = &root;
    size_t depth = 0;
    while (*link && (*link)->key != key) {
      link = key < (*link)->key ? &(*link)->left : &(*link)->right;
      ++depth;
    }
    if (*link) {
      (*link)->count++;
      ++duplicates;
    } else {
      struct TreeNode *t = &pool[used++];
      t->key = key;
      t->count = 1;
      *link = t;
    }
    if (depth > maxDepth)
      maxDepth = depth;
  }
  size_t found = 0;
  uint64_t foundSum = 0;
  for (size_t i = 0; i < treeSize * 2; ++i) {
    uint64_t key = nextRandom() % (treeSize * 4);
    const struct TreeNode *t = root;
    while (t && t->key != key)
      t = key < t->key ? t->left : t->right;
    if (t) {
      ++found;
      foundSum += t->count * key;
    }
  }
  printf("tree: %zu keys (%zu duplicates), depth %zu, %zu of %zu lookups hit, sum %llu\n", used,
         duplicates, maxDepth, found, treeSize * 2, (unsigned long long)foundSum);
  free(nodes);
  free(order);
  free(pool);
  return 0;
}
