/*
 * ast_source.c: constructors for `source` declarations, the mappings that
 * say how a file of another shape (a tool's CSV or JSON export) becomes
 * rows of a fact type. Called from grammar actions (grammar/parser.y);
 * like ast.c they only build nodes: names, types, time zones and the
 * rest are checked by check_source.c.
 *
 * A repeated option of one feed (`in "A" in "B"`, two maps) is kept, as a
 * list or a flag, so the checker can point at the second one rather than
 * the parser reporting a confusing syntax error.
 */
#include "ast.h"

static uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }

ast_node *ast_source(ast_builder *b, uint32_t off, uint32_t name_off, uint32_t name_len, uint32_t table_off,
                     uint32_t table_len, uint32_t fmt_off, uint32_t fmt_len, uint32_t root_off, uint32_t root_len)
{
    ast_node *n = ast_node_at(b, AST_SOURCE, off, max_u32(fmt_off + fmt_len, root_off + root_len));
    if (!n)
        return NULL;
    n->u.source.name = ast_name_at(b, name_off, name_len);
    n->u.source.table = ast_name_at(b, table_off, table_len);
    n->u.source.format = ast_name_at(b, fmt_off, fmt_len);
    if (root_len)
        n->u.source.root = ast_leaf(b, AST_STRING, root_off, root_len);
    return n;
}

ast_node *ast_source_add(ast_node *source, ast_node *item)
{
    if (!source || !item)
        return source;
    if (item->kind == AST_SOURCE_SKIP)
        source->u.source.skips = ast_append(source->u.source.skips, item);
    else
        source->u.source.feeds = ast_append(source->u.source.feeds, item);
    return ast_span_to(source, ast_end_of(item));
}

ast_node *ast_feed(ast_builder *b, uint32_t off, uint32_t len, ast_node *path, ast_node *value)
{
    ast_node *n = ast_node_at(b, AST_FEED, off, max_u32(off + len, max_u32(ast_end_of(path), ast_end_of(value))));
    if (!n)
        return NULL;
    n->u.feed.field = ast_name_at(b, off, len);
    n->u.feed.path = path;
    n->u.feed.value = value;
    return n;
}

ast_node *ast_feed_how(ast_builder *b, ast_node *feed, uint32_t off, uint32_t len)
{
    if (!feed)
        return NULL;
    feed->u.feed.how = ast_ident(b, off, len);
    return feed;
}

ast_node *ast_feed_else(ast_builder *b, ast_node *feed, uint32_t kw_off, uint32_t how_off, uint32_t how_len,
                        uint32_t path_off, uint32_t path_len)
{
    if (!feed)
        return NULL;
    ast_node *alt = ast_node_at(b, AST_FEED, kw_off, path_off + path_len);
    if (!alt)
        return NULL;
    alt->u.feed.path = ast_leaf(b, AST_STRING, path_off, path_len);
    if (how_len)
        alt->u.feed.how = ast_ident(b, how_off, how_len);
    feed->u.feed.elses = ast_append(feed->u.feed.elses, alt);
    return ast_span_to(feed, path_off + path_len);
}

ast_node *ast_feed_option(ast_node *feed, ast_feed_opt opt, uint32_t kw_off, ast_node *arg)
{
    (void)kw_off;
    if (!feed)
        return NULL;
    switch (opt) {
    case FEED_PATTERN:
        feed->u.feed.pattern = ast_append(feed->u.feed.pattern, arg);
        break;
    case FEED_ZONE:
        feed->u.feed.zone = ast_append(feed->u.feed.zone, arg);
        break;
    case FEED_MAP:
        /* A second map is counted (the checker reports it); its entries
         * are not kept. */
        if (!feed->u.feed.has_map++)
            feed->u.feed.map = arg;
        break;
    }
    return ast_span_to(feed, ast_end_of(arg));
}

ast_node *ast_map_entry(ast_builder *b, uint32_t off, ast_node *key, ast_node *value)
{
    ast_node *n = ast_node_at(b, AST_MAP_ENTRY, off, max_u32(key ? ast_end_of(key) : off + 4, ast_end_of(value)));
    if (!n)
        return NULL;
    n->u.binary.lhs = key;
    n->u.binary.rhs = value;
    return n;
}

ast_node *ast_source_skip(ast_builder *b, uint32_t off, ast_skip_op op, uint32_t path_off, uint32_t path_len,
                          ast_node *values)
{
    uint32_t end = path_off + path_len;
    for (ast_node *v = values; v; v = v->next)
        end = max_u32(end, ast_end_of(v));
    ast_node *n = ast_node_at(b, AST_SOURCE_SKIP, off, end);
    if (!n)
        return NULL;
    n->op = (uint16_t)op;
    n->u.skip.path = ast_leaf(b, AST_STRING, path_off, path_len);
    n->u.skip.values = values;
    return n;
}
